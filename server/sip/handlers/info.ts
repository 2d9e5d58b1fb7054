/** INFO (RFC 6086) in a dialog: 200 (bodies are not interpreted yet); outside one: 481. */
import type { MethodHandler } from './types.js';

export const handleInfo: MethodHandler = (inbound, core) => {
  const dialog = core.findDialog(inbound.request);
  if (dialog === undefined) {
    inbound.respond(481);
    return;
  }
  dialog.receiveInfo(inbound);
};
