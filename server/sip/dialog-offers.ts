/**
 * Offer/answer inside a dialog (RFC 3261 §14, RFC 3311, RFC 3264): offers
 * that arrive in re-INVITE or UPDATE go to the app's handler; our own
 * re-offers (`reoffer`) and session refreshes (RFC 4028, UPDATE when the peer
 * allows it, else re-INVITE with our unchanged SDP) go out through the
 * dialog's sender. One exchange at a time: glare gets 491, an overlapping
 * incoming offer 500 with Retry-After, and a 491 to ours is retried once
 * after the random wait of §14.1.
 */
import { ALLOW_FIELD, SDP_CONTENT_TYPE, SUPPORTED_FIELD } from './capabilities.js';
import type { DialogSender, InviteOutcome } from './dialog-sender.js';
import { SipError } from './errors.js';
import type { InboundRequest } from './inbound-request.js';
import { bodyText, type HeaderField } from './message.js';
import { warningField } from './response-builder.js';
import type { RefreshResult, SessionRefresh } from './session-refresh.js';
import { activeAfterUac, activeAfterUas, decideAsUas, readMinSE, uacRequestFields, uasResponseFields, type ActiveSessionTimer } from './session-timer.js';
import type { StackContext } from './stack-context.js';
import type { Destination } from './transport.js';

export type OfferHandler = (offer: string | null) => Promise<string>;

/** What the exchange needs from its dialog. */
export interface OfferHost {
  readonly callId: string;
  readonly role: 'uas' | 'uac';
  readonly ended: boolean;
  readonly awaitingAck: boolean;
  readonly localAddress: string;
  readonly sender: DialogSender;
  readonly sessionRefresh: SessionRefresh;
  awaitAck(cseq: number, response: Buffer, destination: Destination): Promise<string | null>;
  endIfGone(status: number): void;
}

type Outcome = InviteOutcome | { readonly kind: 'disposed' };

export class OfferExchange {
  handler: OfferHandler | null = null;
  #localSdp: string;
  #state: 'idle' | 'incoming' | 'outgoing' = 'idle';
  #updateRefused = false;
  #disposed = false;
  #cancelWait: (() => void) | null = null;

  constructor(
    private readonly host: OfferHost,
    private readonly ctx: StackContext,
    localSdp: string,
    private readonly remoteAllow: ReadonlySet<string> | null,
  ) {
    this.#localSdp = localSdp;
  }

  get localSdp(): string {
    return this.#localSdp;
  }

  /** A re-INVITE (`isInvite`) or UPDATE in the dialog: answer its offer, or just refresh target and session. */
  async receive(inbound: InboundRequest, isInvite: boolean): Promise<void> {
    const { request } = inbound;
    if (this.host.ended) {
      inbound.respond(481);
      return;
    }
    const offer = bodyText(request);
    const carriesOffer = isInvite || offer !== null;
    if (carriesOffer && this.#state === 'incoming') {
      // §14.2 / RFC 3311 §5.2: an offer while we still owe an answer to an earlier one: 500 + Retry-After.
      inbound.respond(500, { headers: [{ name: 'retry-after', value: String(Math.floor(Math.random() * 10)) }] });
      return;
    }
    if (carriesOffer && (this.#state === 'outgoing' || this.host.awaitingAck)) {
      // §14.2 / RFC 3311 §5.2: glare, an offer while ours is unanswered: 491.
      inbound.respond(491);
      return;
    }
    const decision = decideAsUas(request, this.ctx.sessionTimers);
    if (decision.kind === 'too-small') {
      inbound.respond(422, { headers: [{ name: 'min-se', value: String(decision.minSE) }] });
      return;
    }
    // §12.2.2: a target refresh request replaces the remote target with its Contact.
    const contact = request.contacts[0];
    if (contact !== undefined && contact.uri !== '*') this.host.sender.remoteTarget = contact.uri;
    const fields: HeaderField[] = [this.host.sender.contact(), ALLOW_FIELD, SUPPORTED_FIELD, ...uasResponseFields(decision)];

    if (!carriesOffer) {
      inbound.respond(200, { headers: fields });
      this.host.sessionRefresh.set(activeAfterUas(decision));
      return;
    }
    this.#state = 'incoming';
    let answer: string;
    try {
      answer = this.handler === null ? this.#localSdp : await this.handler(offer);
    } catch (error) {
      this.#state = 'idle';
      const status = error instanceof SipError && error.status >= 300 && error.status <= 699 ? error.status : 500;
      const text = error instanceof Error ? error.message : 'offer refused';
      inbound.respond(status, { headers: [warningField(this.host.localAddress, text)] });
      return;
    }
    this.#state = 'idle';
    if (this.host.ended || inbound.tx === null || inbound.tx.finished) return; // ended meanwhile
    this.#localSdp = answer;
    const response = inbound.build(200, { headers: [...fields, SDP_CONTENT_TYPE], body: answer });
    inbound.tx.respond(200, response);
    this.host.sessionRefresh.set(activeAfterUas(decision));
    if (!isInvite) return;
    // The re-INVITE's 2xx is retransmitted until its ACK, like the first one. (An ACK carrying the
    // answer to an offer we made for an offerless re-INVITE is not surfaced to the app.)
    this.host.awaitAck(request.cseq.seq, response, inbound.destination).catch(() => undefined);
  }

  /** Our re-INVITE with a new offer; resolves with the answer SDP. */
  async reoffer(sdp: string): Promise<string> {
    if (this.host.ended) throw new SipError(481, 'the dialog has ended', { code: 'ERR_SIP_CALL_ENDED' });
    if (this.#state !== 'idle' || this.host.awaitingAck) throw new SipError(491, 'another offer is in progress', { code: 'ERR_SIP_STATE' });
    const headers = [SUPPORTED_FIELD, SDP_CONTENT_TYPE, ...this.#timerFields(this.host.sessionRefresh.active)];
    const outcome = await this.#exchange(() => this.host.sender.invite({ headers, body: sdp }));
    if (outcome.kind === 'response' && outcome.response.status < 300) {
      this.#localSdp = sdp;
      this.host.sessionRefresh.set(activeAfterUac(outcome.response, this.host.sessionRefresh.active));
      return bodyText(outcome.response) ?? '';
    }
    const status = outcome.kind === 'response' ? outcome.response.status : 408;
    this.host.endIfGone(status);
    throw new SipError(status, `re-INVITE failed (${outcome.kind === 'response' ? `${status} ${outcome.response.reason}` : outcome.kind})`);
  }

  /** RFC 4028 §7.4/§10: one session refresh, as the refresher. */
  async refreshSession(interval = this.host.sessionRefresh.active?.interval ?? 0, tried422 = false): Promise<RefreshResult> {
    if (interval <= 0 || this.host.ended) return { kind: 'failed' };
    if (this.#state !== 'idle' || this.host.awaitingAck) return { kind: 'failed' };
    const timer: ActiveSessionTimer = { interval, weRefresh: true };
    const headers = [SUPPORTED_FIELD, ...this.#timerFields(timer)];
    const useUpdate = !this.#updateRefused && this.remoteAllow?.has('UPDATE') === true;
    const outcome = await this.#exchange(() =>
      useUpdate
        ? this.host.sender.request('UPDATE', { headers, contact: true })
        : this.host.sender.invite({ headers: [...headers, SDP_CONTENT_TYPE], body: this.#localSdp }),
    );
    if (outcome.kind !== 'response') return outcome.kind === 'disposed' ? { kind: 'failed' } : { kind: 'dead' };
    const { response } = outcome;
    if (response.status < 300) return { kind: 'refreshed', timer: activeAfterUac(response, timer) };
    if (response.status === 422 && !tried422) return this.refreshSession(Math.max(readMinSE(response.headers), interval), true);
    if ((response.status === 405 || response.status === 501) && useUpdate) {
      this.#updateRefused = true;
      return this.refreshSession(interval, tried422);
    }
    if (response.status === 408 || response.status === 481) return { kind: 'dead' };
    return { kind: 'failed' };
  }

  dispose(): void {
    this.#disposed = true;
    this.#cancelWait?.();
  }

  #timerFields(timer: ActiveSessionTimer | null): HeaderField[] {
    if (timer === null) return [];
    return uacRequestFields(timer.interval, this.ctx.sessionTimers.minSE);
  }

  /** Runs one outgoing exchange, retrying once after a 491 (RFC 3261 §14.1). */
  async #exchange(send: () => Promise<Outcome>): Promise<Outcome> {
    this.#state = 'outgoing';
    try {
      const first = await send();
      if (first.kind !== 'response' || first.response.status !== 491 || this.#disposed) return first;
      if (!(await this.#glareWait())) return { kind: 'disposed' };
      return await send();
    } finally {
      this.#state = 'idle';
    }
  }

  /** §14.1: 2.1-4 s for the Call-ID's owner (the dialog's UAC), 0-2 s for the other side, in 10 ms steps. */
  #glareWait(): Promise<boolean> {
    const ms = this.host.role === 'uac' ? 2100 + Math.floor(Math.random() * 191) * 10 : Math.floor(Math.random() * 201) * 10;
    return new Promise((resolve) => {
      const cancel = this.ctx.scheduler.schedule(ms, () => {
        this.#cancelWait = null;
        resolve(!this.#disposed);
      });
      this.#cancelWait = () => {
        cancel();
        resolve(false);
      };
    });
  }
}
