/**
 * A call we place (UAC, RFC 3261 §13.2): the INVITE with our offer, its
 * provisional responses (PRACKed when the far end sends them reliably, RFC
 * 3262 §4), redirects followed (3xx, at most MAX_REDIRECTS), 422 retried with
 * the far end's Min-SE, CANCEL on request or ring timeout, and on a 2xx the
 * dialog (ACKed, with the session timer the 2xx grants). A 2xx from a second
 * fork is ACKed and hung up (§13.2.2.4).
 */
import type { AnsweredOutgoingCall, OutgoingCall, PlaceCallOptions } from '../signaling/backend.js';
import { allowedMethods } from './capabilities.js';
import { DialogSender } from './dialog-sender.js';
import { SipDialog } from './dialog.js';
import { SipError } from './errors.js';
import { formatNameAddr, parseNameAddr } from './headers/name-addr.js';
import { newTag, randomToken } from './ids.js';
import { bodyText, headerValue, optionTags, type HeaderField, type SipResponse } from './message.js';
import { appHeaders, buildAckForFailure, buildCancel, buildInvite, type InviteSpec } from './outgoing-invite.js';
import { activeAfterUac, readMinSE } from './session-timer.js';
import type { StackContext } from './stack-context.js';
import type { InviteClientTransaction } from './transactions/invite-client-transaction.js';
import { NO_TIMER, type CancelTimer } from './transactions/scheduler.js';
import type { Destination, Flow } from './transport.js';
import { bracketHost } from './uri.js';

export const MAX_REDIRECTS = 3;

function quoted(text: string): string {
  return `"${text.replace(/[\r\n]+/g, ' ').replace(/(["\\])/g, '\\$1')}"`;
}

function sessionFields(interval: number, minSE: number): HeaderField[] {
  return [
    { name: 'session-expires', value: String(interval) },
    { name: 'min-se', value: String(minSE) },
  ];
}

/** Where an INVITE for a URI goes, and the flow its dialog will reuse. */
export interface OutgoingRoute {
  readonly requestUri: string;
  readonly destination: Destination;
  readonly flow: Flow;
}

export interface OutgoingServices extends StackContext {
  localAddressFor(route: OutgoingRoute): Promise<string>;
  /** The route for a URI (a redirect's Contact), or null when it cannot be reached. */
  routeFor(uri: string): OutgoingRoute | null;
}

interface Attempt {
  readonly spec: InviteSpec;
  readonly route: OutgoingRoute;
  readonly branch: string;
  readonly tx: InviteClientTransaction;
  cancelSent: boolean;
}

export class SipOutgoingCall implements OutgoingCall {
  readonly callId = `${randomToken(20)}@voxbridge`;
  readonly answered: Promise<AnsweredOutgoingCall>;
  readonly #fromTag = newTag();
  #resolve: (answered: AnsweredOutgoingCall) => void = () => undefined;
  #reject: (error: SipError) => void = () => undefined;
  #progress: Array<(status: number, sdp: string | null) => void> = [];
  #attempt: Attempt | null = null;
  #dialog: SipDialog | null = null;
  #done = false;
  #cancelReason: 'cancel' | 'timeout' | null = null;
  #cancelRing: CancelTimer = NO_TIMER;
  #cancelGiveUp: CancelTimer = NO_TIMER;
  #redirects = new Set<string>();
  #cseq = 1;
  #localAddress = '';
  #offer = '';
  /** PRACK state per early dialog (To tag): its sender and the RSeq last acknowledged. */
  readonly #early = new Map<string, { sender: DialogSender; rseq: number }>();

  constructor(
    private readonly options: PlaceCallOptions,
    private readonly ctx: OutgoingServices,
    /** Null when the call could not be routed (it is failed at once by the core). */
    private readonly firstRoute: OutgoingRoute | null,
    private readonly ringTimeoutMs: number,
  ) {
    this.answered = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.answered.catch(() => undefined); // the app may never look; no unhandled rejection
  }

  onProgress(listener: (status: number, sdp: string | null) => void): void {
    this.#progress.push(listener);
  }

  cancel(): void {
    this.#requestCancel('cancel');
  }

  /** Resolves the local address, builds the offer and sends the first INVITE. */
  async start(): Promise<void> {
    const route = this.firstRoute;
    if (route === null || this.#done) return;
    try {
      this.#localAddress = await this.ctx.localAddressFor(route);
      this.#offer = typeof this.options.offer === 'string' ? this.options.offer : await this.options.offer(this.#localAddress);
    } catch (error) {
      this.fail(new SipError(500, `could not build the offer: ${error instanceof Error ? error.message : String(error)}`, { cause: error }));
      return;
    }
    if (this.#done) return;
    this.#cancelRing = this.ctx.scheduler.schedule(this.ringTimeoutMs, () => this.#requestCancel('timeout'));
    this.#send(route, this.ctx.sessionTimers.sessionExpires);
  }

  /** Shutdown before an answer: the INVITE is cancelled; after one the dialog's own shutdown applies. */
  shutdown(): void {
    this.#requestCancel('cancel');
  }

  /** Ends the call attempt with `error` (unroutable, shutdown); a no-op once it is settled. */
  fail(error: SipError): void {
    if (this.#done) return;
    this.#finish();
    this.#reject(error);
  }

  #send(route: OutgoingRoute, sessionExpires: number): void {
    const display = this.options.fromDisplayName;
    // RFC 3261 §25.1 user part: unreserved and user-unreserved characters, anything else escaped.
    const fromUser = (this.options.fromUser ?? 'voxbridge').replace(/[^A-Za-z0-9\-_.!~*'()&=+$,;?/]/g, (c) =>
      [...Buffer.from(c)].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
    );
    const fromUri = `sip:${fromUser}@${bracketHost(this.#localAddress)}`;
    const spec: InviteSpec = {
      requestUri: route.requestUri,
      callId: this.callId,
      from: `${display === undefined ? '' : `${quoted(display)} `}<${fromUri}>;tag=${this.#fromTag}`,
      to: `<${route.requestUri}>`,
      cseq: this.#cseq++,
      transport: route.destination.transport,
      localAddress: this.#localAddress,
      localPort: this.ctx.listenPort(route.destination.transport),
      userAgent: this.ctx.userAgent,
      offer: this.#offer,
      // RFC 4028 §7.1: we ask for a session interval and leave the choice of refresher to the UAS.
      headers: [...(sessionExpires > 0 ? sessionFields(sessionExpires, this.ctx.sessionTimers.minSE) : []), ...appHeaders(this.options.headers)],
    };
    const built = buildInvite(spec);
    const attempt: Attempt = {
      spec,
      route,
      branch: built.branch,
      cancelSent: false,
      tx: this.ctx.sendInvite(
        { bytes: built.bytes, branch: built.branch, method: 'INVITE', destination: route.destination },
        {
          onProvisional: (response) => this.#provisional(attempt, response),
          onFinal: (response) => this.#final(attempt, response, sessionExpires),
          onFailure: (kind) => this.fail(kind === 'timeout' ? this.#timeoutError() : new SipError(503, 'transport failure sending the INVITE')),
        },
        (response) => buildAckForFailure(spec, built.branch, response),
      ),
    };
    this.#attempt = attempt;
  }

  #provisional(attempt: Attempt, response: SipResponse): void {
    if (attempt !== this.#attempt || this.#done) return;
    if (this.#cancelReason !== null) this.#sendCancel(attempt);
    if (response.status === 100) return;
    this.#prackIfReliable(attempt, response);
    const sdp = bodyText(response);
    for (const listener of this.#progress) {
      try {
        listener(response.status, sdp);
      } catch (error) {
        this.ctx.logger.error({ err: error, callId: this.callId }, 'onProgress listener threw');
      }
    }
  }

  #final(attempt: Attempt, response: SipResponse, sessionExpires: number): void {
    if (response.status < 300) {
      this.#answered(attempt, response);
      return;
    }
    if (attempt !== this.#attempt || this.#done) return;
    const status = response.status;
    if (status >= 300 && status < 400 && this.#cancelReason === null && this.#redirect(response)) return;
    if (status === 422 && this.#cancelReason === null && sessionExpires > 0 && readMinSE(response.headers) > sessionExpires) {
      this.#send(attempt.route, readMinSE(response.headers));
      return;
    }
    if (this.#cancelReason === 'timeout') this.fail(this.#timeoutError());
    else if (status === 487 && this.#cancelReason === 'cancel') this.fail(new SipError(487, 'call cancelled', { code: 'ERR_SIP_CANCELLED' }));
    else this.fail(new SipError(status, `call failed: ${status} ${response.reason}`));
  }

  #answered(attempt: Attempt, response: SipResponse): void {
    const remoteTag = response.to.tag ?? '';
    const existing = this.#dialog;
    if (existing !== null && existing.key.endsWith(`\u0000${remoteTag}`)) {
      existing.sender.ack(attempt.spec.cseq); // a retransmitted 2xx: ACK it again
      return;
    }
    const dialog = this.#makeDialog(attempt, response);
    dialog.sender.ack(attempt.spec.cseq);
    if (existing !== null || this.#done) {
      // §13.2.2.4: a second 2xx (another fork), or one after we gave up: ACK it, then BYE.
      void dialog.hangup();
      return;
    }
    this.#dialog = dialog;
    this.ctx.addDialog(dialog);
    if (this.#cancelReason !== null) {
      // The CANCEL crossed the 2xx: the call was answered after all, but we no longer want it.
      void dialog.hangup();
      this.fail(this.#cancelReason === 'timeout' ? this.#timeoutError() : new SipError(487, 'call cancelled', { code: 'ERR_SIP_CANCELLED' }));
      return;
    }
    this.#finish();
    this.#resolve({ dialog, answer: bodyText(response) });
  }

  #makeDialog(attempt: Attempt, response: SipResponse): SipDialog {
    const early = this.#early.get(response.to.tag ?? '');
    const from = parseNameAddr(attempt.spec.from);
    const to = parseNameAddr(attempt.spec.to);
    return new SipDialog(
      {
        role: 'uac',
        callId: this.callId,
        localTag: this.#fromTag,
        remoteTag: response.to.tag ?? '',
        localUri: from === null ? { displayName: null, uri: attempt.spec.requestUri, params: [], tag: null } : { ...from, params: [], tag: null },
        remoteUri: to ?? { displayName: null, uri: attempt.spec.requestUri, params: [], tag: null },
        remoteTarget: response.contacts[0]?.uri ?? attempt.spec.requestUri,
        // §12.1.2: the UAC's route set is the 2xx's Record-Route in reverse order.
        routeSet: response.recordRoutes.map(formatNameAddr).reverse(),
        remoteSeq: null,
        localSeq: Math.max(attempt.spec.cseq, early?.sender.localSeq ?? 0),
        flow: attempt.route.flow,
        localAddress: this.#localAddress,
        localSdp: this.#offer,
        remoteAllow: allowedMethods(response),
        sessionTimer: activeAfterUac(response, null),
      },
      this.ctx,
    );
  }

  /** RFC 3262 §4: a provisional with Require: 100rel and RSeq gets one PRACK per RSeq. */
  #prackIfReliable(attempt: Attempt, response: SipResponse): void {
    if (!optionTags(response.headers, 'require').includes('100rel')) return;
    const rseq = Number(headerValue(response.headers, 'rseq') ?? 'NaN');
    const tag = response.to.tag;
    if (!Number.isInteger(rseq) || tag === null) return;
    let early = this.#early.get(tag);
    if (early === undefined) {
      const sender = new DialogSender(
        this.ctx,
        {
          callId: this.callId,
          from: attempt.spec.from,
          to: response.headers.find((field) => field.name === 'to')?.value ?? attempt.spec.to,
          routeSet: response.recordRoutes.map(formatNameAddr).reverse(),
          flow: attempt.route.flow,
          localAddress: this.#localAddress,
        },
        response.contacts[0]?.uri ?? attempt.spec.requestUri,
        attempt.spec.cseq,
      );
      early = { sender, rseq: 0 };
      this.#early.set(tag, early);
    }
    if (rseq <= early.rseq) return; // a retransmission: its PRACK is already under way
    early.rseq = rseq;
    void early.sender.request('PRACK', { headers: [{ name: 'rack', value: `${rseq} ${attempt.spec.cseq} INVITE` }] });
  }

  #redirect(response: SipResponse): boolean {
    for (const contact of response.contacts) {
      if (this.#redirects.size >= MAX_REDIRECTS) return false;
      if (contact.uri === '*' || this.#redirects.has(contact.uri)) continue;
      this.#redirects.add(contact.uri);
      const route = this.ctx.routeFor(contact.uri);
      if (route === null) continue;
      this.ctx.logger.debug({ callId: this.callId, to: contact.uri, status: response.status }, 'following redirect');
      this.#send(route, this.ctx.sessionTimers.sessionExpires);
      return true;
    }
    return false;
  }

  #requestCancel(reason: 'cancel' | 'timeout'): void {
    if (this.#done || this.#cancelReason !== null) return;
    this.#cancelReason = reason;
    const attempt = this.#attempt;
    if (attempt === null) {
      this.fail(new SipError(487, 'call cancelled before it was sent', { code: 'ERR_SIP_CANCELLED' }));
      return;
    }
    // §9.1: only once a provisional response came; otherwise #provisional sends it when one does.
    if (attempt.tx.proceeding) this.#sendCancel(attempt);
    // §9.1: "If there is no final response for the original request in 64*T1 seconds ... the
    // client SHOULD then consider the original transaction cancelled".
    this.#cancelGiveUp = this.ctx.scheduler.schedule(this.ctx.timers.TIMER_B, () => {
      attempt.tx.dispose();
      this.fail(reason === 'timeout' ? this.#timeoutError() : new SipError(487, 'call cancelled', { code: 'ERR_SIP_CANCELLED' }));
    });
  }

  #sendCancel(attempt: Attempt): void {
    if (attempt.cancelSent) return;
    attempt.cancelSent = true;
    const bytes = buildCancel(attempt.spec, attempt.branch);
    this.ctx.sendRequest({ bytes, branch: attempt.branch, method: 'CANCEL', destination: attempt.route.destination });
  }

  #timeoutError(): SipError {
    return new SipError(408, 'no answer within the ring timeout');
  }

  #finish(): void {
    this.#done = true;
    this.#cancelRing();
    this.#cancelGiveUp();
  }
}
