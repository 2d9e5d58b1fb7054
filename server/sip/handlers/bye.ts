/** BYE (RFC 3261 §15.1.2): 200 and end the dialog, or 481 when there is none. */
import type { MethodHandler } from './types.js';

export const handleBye: MethodHandler = (inbound, core) => {
  const dialog = core.findDialog(inbound.request);
  if (dialog === undefined) {
    inbound.respond(481);
    return;
  }
  dialog.receiveBye(inbound);
};
