/**
 * UPDATE (RFC 3311) in a confirmed dialog: an SDP offer goes to the app like
 * a re-INVITE's (200 with the answer, or 491 while another offer is open);
 * without a body it just refreshes the target. Early-dialog UPDATE is not
 * supported (we send no reliable provisionals), so outside a dialog: 481.
 */
import { unsupportedBody } from './body-check.js';
import type { MethodHandler } from './types.js';

export const handleUpdate: MethodHandler = (inbound, core) => {
  const dialog = core.findDialog(inbound.request);
  if (dialog === undefined) {
    inbound.respond(481);
    return;
  }
  const unsupported = unsupportedBody(inbound.request);
  if (unsupported !== null) {
    inbound.respond(415, { headers: unsupported });
    return;
  }
  dialog.receiveUpdate(inbound);
};
