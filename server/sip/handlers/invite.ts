/** INVITE: a new call, or a re-INVITE in an existing dialog (RFC 3261 §13, §14). */
import { unsupportedBody } from './body-check.js';
import type { MethodHandler } from './types.js';

export const handleInvite: MethodHandler = (inbound, core) => {
  const { request } = inbound;
  const unsupported = unsupportedBody(request);
  if (unsupported !== null) {
    inbound.respond(415, { headers: unsupported });
    return;
  }
  if (request.to.tag === null) {
    core.startCall(inbound);
    return;
  }
  const dialog = core.findDialog(request);
  if (dialog === undefined || dialog.ended) {
    // RFC 3261 §12.2.2: a request with a To tag that matches no dialog gets 481.
    inbound.respond(481);
    return;
  }
  dialog.receiveReinvite(inbound);
};
