/**
 * Calls to a registered user: rings every contact the user registered (in
 * parallel, like a PBX ring group), answers the caller with the first callee
 * that picks up and cancels the others, then bridges the two dialogs at the
 * signalling level: re-offers (hold, resume, codec change) are relayed, INFO
 * DTMF is relayed, and BYE on either side ends both.
 *
 * Media is not anchored: the SDP passes through unchanged, so RTP flows
 * directly between the two phones. (Anchoring media in voxbridge needs a
 * two-leg bridge in the media engine, which does not exist yet.) A caller
 * without an SDP offer (late offer) is refused with 488.
 */
import type { AnsweredOutgoingCall, Dialog, IncomingCall, OutgoingCall, RegisteredContact, SignalingBackend } from '../signaling/backend.js';
import { SipError } from '../sip/errors.js';
import type { AppContext } from './call-context.js';

export type Dialer = Pick<SignalingBackend, 'placeCall'>;

/** RFC 3261 §16.7-style choice among failed forks: a 6xx wins, then busy, then the first failure (timeouts read as 480). */
function bestFailure(statuses: readonly number[]): number {
  const global = statuses.find((status) => status >= 600);
  if (global !== undefined) return global;
  if (statuses.includes(486)) return 486;
  const first = statuses.find((status) => status !== 408 && status !== 487 && status !== 503);
  return first ?? 480;
}

export async function callRegisteredUser(call: IncomingCall, contacts: readonly RegisteredContact[], dialer: Dialer, context: AppContext): Promise<void> {
  const log = context.logger.child({ callId: call.callId, callee: call.target });
  const offer = call.offer;
  if (offer === null) {
    call.reject(488, { warning: 'calls to registered users need an SDP offer in the INVITE' });
    return;
  }
  const forks: OutgoingCall[] = contacts.map((contact) =>
    dialer.placeCall({
      contact,
      offer,
      fromUser: call.from.user ?? 'anonymous',
      ...(call.from.displayName === null ? {} : { fromDisplayName: call.from.displayName }),
    }),
  );
  const progressed = new Set<number>();
  for (const fork of forks) {
    fork.onProgress((status, sdp) => {
      // Relay ringing once, and early media (183 with SDP) as it comes.
      if (status === 183 && sdp !== null) call.progress(183, sdp);
      else if (!progressed.has(status) && (status === 180 || status === 183)) call.progress(status);
      progressed.add(status);
    });
  }
  call.onCancel(() => {
    for (const fork of forks) fork.cancel();
  });

  let winner: AnsweredOutgoingCall;
  try {
    winner = await Promise.any(forks.map((fork) => fork.answered));
  } catch {
    const statuses = await Promise.all(forks.map((fork) => fork.answered.then(() => 200, (error: unknown) => (error instanceof SipError ? error.status : 500))));
    if (call.cancelled) return;
    const status = bestFailure(statuses);
    log.info({ statuses }, 'no contact answered');
    call.reject(status, { warning: `${call.target ?? 'the user'} did not answer` });
    return;
  }
  for (const fork of forks) fork.cancel(); // the others stop ringing (a no-op on the winner)
  const callee = winner.dialog;
  if (call.cancelled) {
    await callee.hangup();
    return;
  }
  let caller: Dialog;
  try {
    caller = (await call.answer(winner.answer ?? '')).dialog;
  } catch (error) {
    log.info({ err: error }, 'caller gone before the bridge was up');
    await callee.hangup();
    return;
  }
  log.info('bridged to a registered contact (media flows directly between the phones)');
  bridge(caller, callee, { from: call.from.uri, to: call.to.uri }, context, log);
}

/** Relays offers, DTMF and the end of the call between two dialogs. */
function bridge(caller: Dialog, callee: Dialog, parties: { from: string; to: string }, context: AppContext, log: AppContext['logger']): void {
  const id = `bridge:${caller.callId}`;
  const hangupBoth = async (reason: string): Promise<void> => {
    log.info({ reason }, 'ending bridged call');
    await Promise.all([caller.hangup(), callee.hangup()]);
  };
  context.calls.add(id, {
    callId: caller.callId,
    legId: id,
    ...parties,
    app: 'user',
    roomId: null,
    startedAt: Date.now(),
    hangup: hangupBoth,
  });
  const maxTimer = context.maxCallSeconds > 0 ? setTimeout(() => void hangupBoth('maximum call duration reached'), context.maxCallSeconds * 1000) : null;
  maxTimer?.unref();

  for (const [from, to] of [
    [caller, callee],
    [callee, caller],
  ] as const) {
    from.onOffer(async (offer) => {
      if (offer === null) throw new SipError(488, 'offerless re-INVITE cannot be relayed across the bridge');
      return to.reoffer(offer);
    });
    from.onDtmf((event) => {
      to.sendDtmf(event.digit, event.durationMs).catch((error: unknown) => log.debug({ err: error }, 'DTMF relay failed'));
    });
    from.onEnded((reason) => {
      if (maxTimer) clearTimeout(maxTimer);
      context.calls.remove(id);
      log.info({ reason }, 'bridged leg ended');
      void to.hangup();
    });
  }
}
