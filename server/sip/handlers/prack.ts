/**
 * PRACK (RFC 3262 §3): acknowledges one of our reliable provisional
 * responses in an early dialog (200, or 481 when it names none we sent); a
 * late one in a confirmed dialog gets 200; otherwise 481.
 */
import type { MethodHandler } from './types.js';

export const handlePrack: MethodHandler = (inbound, core) => {
  const early = core.findEarlyCall(inbound.request);
  if (early !== undefined) {
    early.receivePrack(inbound);
    return;
  }
  const dialog = core.findDialog(inbound.request);
  if (dialog === undefined) {
    inbound.respond(481);
    return;
  }
  dialog.receivePrack(inbound);
};
