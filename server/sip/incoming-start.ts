/**
 * Turns an admitted new INVITE into the app's `IncomingCall`: 480 when no
 * app listens, 422 when its session interval is below our Min-SE (RFC 4028
 * §8), else the call, handed to the app once the local address the caller
 * reached us on is known (a wildcard listener asks the kernel).
 */
import type { IncomingCall } from '../signaling/backend.js';
import type { PendingInvite } from './handlers/types.js';
import type { InboundRequest } from './inbound-request.js';
import { SipIncomingCall, type CallServices } from './incoming-call.js';
import type { LocalAddressResolver } from './local-address.js';
import type { RejectLog } from './reject-log.js';
import { warningField } from './response-builder.js';
import { decideAsUas } from './session-timer.js';
import type { InviteServerTransaction } from './transactions/invite-server-transaction.js';
import type { Flow } from './transport.js';

export interface IncomingStartDeps extends CallServices {
  readonly rejects: RejectLog;
  readonly localAddresses: LocalAddressResolver;
  warningHost(flow: Flow): string;
}

export function startIncomingCall(
  inbound: InboundRequest,
  tx: InviteServerTransaction,
  pending: PendingInvite,
  deps: IncomingStartDeps,
  handler: ((call: IncomingCall) => void) | null,
  closing: () => boolean,
): void {
  const { flow, request } = inbound;
  if (handler === null) {
    inbound.respond(480, { headers: [warningField(deps.warningHost(flow), 'no call handler')] });
    return;
  }
  const sessionTimer = decideAsUas(request, deps.sessionTimers);
  if (sessionTimer.kind === 'too-small') {
    inbound.respond(422, { headers: [{ name: 'min-se', value: String(sessionTimer.minSE) }] });
    deps.rejects.record('session-interval', {
      status: 422,
      method: 'INVITE',
      callId: request.callId,
      source: `${flow.transport}:${flow.remoteAddress}:${flow.remotePort}`,
    });
    return;
  }
  const known = deps.localAddresses.known(flow.localAddress, flow.remoteAddress);
  const call = new SipIncomingCall(inbound, tx, known ?? flow.localAddress, deps, sessionTimer);
  pending.call = call;
  if (known !== null) {
    deliver(call, handler, deps);
    return;
  }
  void deps.localAddresses.resolve(flow.localAddress, flow.remoteAddress).then((address) => {
    call.setLocalAddress(address);
    if (!call.finished && !closing()) deliver(call, handler, deps);
  });
}

function deliver(call: SipIncomingCall, handler: (call: IncomingCall) => void, deps: IncomingStartDeps): void {
  try {
    handler(call);
  } catch (error) {
    deps.logger.error({ err: error, callId: call.callId }, 'INVITE handler threw');
    if (!call.finished) call.reject(500, { warning: 'internal error' });
  }
}
