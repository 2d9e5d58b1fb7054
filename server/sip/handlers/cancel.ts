/**
 * CANCEL (RFC 3261 §9.2): 481 when it matches no INVITE transaction;
 * otherwise 200 to the CANCEL, and if the INVITE has no final response yet,
 * 487 to the INVITE and the app's onCancel listeners.
 */
import type { MethodHandler } from './types.js';

export const handleCancel: MethodHandler = (inbound, core) => {
  const pending = core.findPendingInvite(inbound.request);
  if (pending === undefined) {
    // Answered already: "the CANCEL has no effect on the processing of the original request" (200);
    // no such INVITE at all: 481.
    inbound.respond(core.inviteTransactionExists(inbound.request) ? 200 : 481);
    return;
  }
  // §9.2: "The To tag of the response to the CANCEL and the To tag in the response to the
  // original request SHOULD be the same."
  inbound.respond(200, { toTag: pending.inbound.toTag });
  if (pending.tx.finished) return; // "the CANCEL has no effect on the processing of the original request"
  if (pending.call !== null) pending.call.cancel();
  else pending.inbound.respond(487);
};
