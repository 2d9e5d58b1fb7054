/**
 * A dialog (RFC 3261 §12), on either side: created by our 2xx to an INVITE
 * (UAS) or by the 2xx to our INVITE (UAC), ended by BYE either way or by its
 * session timer. It follows in-dialog requests (offers in re-INVITE/UPDATE,
 * INFO DTMF, BYE) and sends ours (BYE, re-INVITE, UPDATE, INFO) through its
 * `DialogSender`. Offer/answer exchanges live in `OfferExchange`.
 */
import type { Dialog, DialogEndReason, DtmfEvent } from '../signaling/backend.js';
import { DialogSender } from './dialog-sender.js';
import { OfferExchange, type OfferHandler } from './dialog-offers.js';
import { SipError } from './errors.js';
import { formatNameAddr, withTag, type NameAddrValue } from './headers/name-addr.js';
import type { InboundRequest } from './inbound-request.js';
import { dtmfRelayBody, INFO_ACCEPT, readInfoBody } from './info-dtmf.js';
import type { SipRequest } from './message.js';
import { warningField } from './response-builder.js';
import { SessionRefresh } from './session-refresh.js';
import { storedKey } from './transactions/transaction-key.js';
import type { ActiveSessionTimer } from './session-timer.js';
import type { StackContext } from './stack-context.js';
import type { Destination, Flow } from './transport.js';
import { TwoXxRetransmitter } from './two-xx-retransmitter.js';
import { bodyText } from './message.js';

export interface DialogInit {
  /** Which side of the INVITE that made the dialog we were. */
  readonly role: 'uas' | 'uac';
  readonly callId: string;
  readonly localTag: string;
  readonly remoteTag: string;
  /** Our address (UAS: the INVITE's To; UAC: its From), without tag. */
  readonly localUri: NameAddrValue;
  /** Their address, without tag. */
  readonly remoteUri: NameAddrValue;
  /** Their Contact URI. */
  readonly remoteTarget: string;
  /** Route set in the order our requests use it (UAS: Record-Route as is; UAC: reversed). */
  readonly routeSet: readonly string[];
  /** Last CSeq seen from them (UAS: the INVITE's); null when none yet (UAC). */
  readonly remoteSeq: number | null;
  /** Our last CSeq (UAS: a random start; UAC: the INVITE's). */
  readonly localSeq: number;
  /** The flow the dialog was set up on: in-dialog requests reuse its connection. */
  readonly flow: Flow;
  readonly localAddress: string;
  readonly localSdp: string;
  /** Methods the peer allows (its Allow), or null when it did not say. */
  readonly remoteAllow: ReadonlySet<string> | null;
  /** RFC 4028 timer agreed by the INVITE transaction, if any. */
  readonly sessionTimer: ActiveSessionTimer | null;
}

export function dialogKey(callId: string, localTag: string, remoteTag: string): string {
  return `${callId}\u0000${localTag}\u0000${remoteTag}`;
}

const DTMF_KEY = /^[0-9*#A-D]$/;

interface PendingAck {
  readonly cseq: number;
  readonly retransmitter: TwoXxRetransmitter;
  readonly resolve: (ackBody: string | null) => void;
  readonly reject: (error: SipError) => void;
}

export class SipDialog implements Dialog {
  readonly callId: string;
  readonly key: string;
  readonly role: 'uas' | 'uac';
  readonly sender: DialogSender;
  readonly sessionRefresh: SessionRefresh;
  readonly #offers: OfferExchange;
  #endReason: DialogEndReason | null = null;
  #remoteSeq: number | null;
  #endedListeners: Array<(reason: DialogEndReason) => void> = [];
  #dtmfListeners: Array<(event: DtmfEvent) => void> = [];
  #pendingAck: PendingAck | null = null;
  #bye: Promise<void> | null = null;

  constructor(
    private readonly init: DialogInit,
    private readonly ctx: StackContext,
  ) {
    this.callId = init.callId;
    this.role = init.role;
    this.key = storedKey(dialogKey(init.callId, init.localTag, init.remoteTag));
    this.#remoteSeq = init.remoteSeq;
    this.sender = new DialogSender(
      ctx,
      {
        callId: init.callId,
        from: formatNameAddr(withTag(init.localUri, init.localTag)),
        to: formatNameAddr(withTag(init.remoteUri, init.remoteTag)),
        routeSet: init.routeSet,
        flow: init.flow,
        localAddress: init.localAddress,
      },
      init.remoteTarget,
      init.localSeq,
    );
    this.#offers = new OfferExchange(this, ctx, init.localSdp, init.remoteAllow);
    this.sessionRefresh = new SessionRefresh(ctx.scheduler, () => this.#offers.refreshSession(), () => void this.#sendBye('session-expired'));
    this.sessionRefresh.set(init.sessionTimer);
  }

  get ended(): boolean {
    return this.#endReason !== null;
  }

  get awaitingAck(): boolean {
    return this.#pendingAck !== null;
  }

  get localSdp(): string {
    return this.#offers.localSdp;
  }

  get remoteTarget(): string {
    return this.sender.remoteTarget;
  }

  get localAddress(): string {
    return this.init.localAddress;
  }

  onOffer(handler: OfferHandler): void {
    this.#offers.handler = handler;
  }

  onEnded(listener: (reason: DialogEndReason) => void): void {
    const reason = this.#endReason;
    if (reason === null) this.#endedListeners.push(listener);
    else queueMicrotask(() => this.#notify(listener, reason));
  }

  onDtmf(listener: (event: DtmfEvent) => void): void {
    this.#dtmfListeners.push(listener);
  }

  reoffer(sdp: string): Promise<string> {
    return this.#offers.reoffer(sdp);
  }

  async sendDtmf(digit: string, durationMs = 160): Promise<void> {
    if (!DTMF_KEY.test(digit)) throw new SipError(400, `not a DTMF key: ${JSON.stringify(digit)}`, { code: 'ERR_SIP_STATE' });
    if (this.ended) throw new SipError(481, 'the dialog has ended', { code: 'ERR_SIP_CALL_ENDED' });
    const outcome = await this.sender.request('INFO', {
      headers: [{ name: 'content-type', value: 'application/dtmf-relay' }],
      body: dtmfRelayBody(digit, durationMs),
    });
    if (outcome.kind === 'response' && outcome.response.status < 300) return;
    const status = outcome.kind === 'response' ? outcome.response.status : 408;
    this.endIfGone(status);
    throw new SipError(status, `INFO DTMF not accepted (${outcome.kind === 'response' ? status : outcome.kind})`);
  }

  hangup(): Promise<void> {
    return this.#sendBye('local-bye');
  }

  /** Stack shutdown: BYE like a hangup, reported as 'shutdown'. */
  shutdown(): Promise<void> {
    return this.#sendBye('shutdown');
  }

  // ---- driven by the stack -------------------------------------------------------------

  /**
   * UAS: retransmits our 2xx (`response`, for the INVITE with CSeq `cseq`)
   * until the ACK; resolves with the ACK's body. With no ACK within 64*T1 it
   * sends BYE and rejects (ERR_SIP_ACK_TIMEOUT); it also rejects if the
   * dialog ends first.
   */
  awaitAck(cseq: number, response: Buffer, destination: Destination): Promise<string | null> {
    this.#pendingAck?.retransmitter.stop();
    return new Promise((resolve, reject) => {
      const onSendError = (): void => this.terminate('transport-error');
      const retransmitter = new TwoXxRetransmitter(
        () => {
          if (!this.ctx.sendResponse(response, destination, onSendError)) onSendError();
        },
        this.ctx.scheduler,
        this.ctx.timers,
        destination.transport !== 'udp',
        () => {
          this.#pendingAck = null;
          reject(new SipError(408, 'no ACK for our 2xx within 64*T1', { code: 'ERR_SIP_ACK_TIMEOUT' }));
          void this.#sendBye('ack-timeout');
        },
      );
      this.#pendingAck = { cseq, retransmitter, resolve, reject };
      retransmitter.start();
    });
  }

  /** An ACK for a 2xx (matched by Call-ID and tags). Retransmitted ACKs are ignored. */
  receiveAck(request: SipRequest): void {
    const pending = this.#pendingAck;
    if (pending === null || pending.cseq !== request.cseq.seq) return;
    this.#pendingAck = null;
    pending.retransmitter.stop();
    pending.resolve(bodyText(request));
  }

  receiveBye(inbound: InboundRequest): void {
    if (!this.#acceptsCSeq(inbound)) return;
    inbound.respond(200);
    this.#end('remote-bye');
    this.ctx.removeDialog(this);
  }

  receiveInfo(inbound: InboundRequest): void {
    if (!this.#acceptsCSeq(inbound)) return;
    if (this.ended) {
      inbound.respond(481);
      return;
    }
    const body = readInfoBody(inbound.request);
    if (body.kind === 'unsupported') {
      inbound.respond(415, { headers: [{ name: 'accept', value: INFO_ACCEPT }] });
      return;
    }
    if (body.kind === 'malformed') {
      inbound.respond(400, { headers: [warningField(this.init.localAddress, 'INFO body names no DTMF key')] });
      return;
    }
    inbound.respond(200);
    if (body.kind === 'dtmf') {
      const event: DtmfEvent = { digit: body.dtmf.digit, durationMs: body.dtmf.durationMs, source: 'info' };
      for (const listener of this.#dtmfListeners) this.#call(() => listener(event), 'onDtmf');
    }
  }

  receiveReinvite(inbound: InboundRequest): void {
    if (!this.#acceptsCSeq(inbound)) return;
    void this.#offers.receive(inbound, true);
  }

  receiveUpdate(inbound: InboundRequest): void {
    if (!this.#acceptsCSeq(inbound)) return;
    void this.#offers.receive(inbound, false);
  }

  /** A PRACK that arrived after the dialog was confirmed (late retransmission): nothing left to acknowledge. */
  receivePrack(inbound: InboundRequest): void {
    if (!this.#acceptsCSeq(inbound)) return;
    inbound.respond(this.ended ? 481 : 200);
  }

  /** Ends the dialog without BYE (the transport is gone, or the far end says the dialog is). */
  terminate(reason: DialogEndReason): void {
    this.#end(reason);
    this.ctx.removeDialog(this);
  }

  /** RFC 3261 §12.2.1.2: a 481 or 408 to our in-dialog request means the dialog is over. */
  endIfGone(status: number): void {
    if (status === 481) this.terminate('remote-bye');
    else if (status === 408) void this.#sendBye('transport-error');
  }

  // ---- internals -------------------------------------------------------------------

  /** RFC 3261 §12.2.2: a lower CSeq than the last one seen means out of order: 500. */
  #acceptsCSeq(inbound: InboundRequest): boolean {
    const seq = inbound.request.cseq.seq;
    if (this.#remoteSeq !== null && seq < this.#remoteSeq) {
      inbound.respond(500, { reason: 'Out of Order', headers: [{ name: 'retry-after', value: '1' }] });
      return false;
    }
    this.#remoteSeq = seq;
    return true;
  }

  #sendBye(reason: DialogEndReason): Promise<void> {
    if (this.#bye !== null) return this.#bye;
    if (this.#endReason !== null) return Promise.resolve();
    // RFC 3261 §15.1.1: the session is over as soon as the BYE is passed to the client transaction.
    this.#end(reason);
    this.#bye = this.#runBye();
    return this.#bye;
  }

  async #runBye(): Promise<void> {
    const outcome = await this.sender.request('BYE');
    if (outcome.kind !== 'response') this.ctx.logger.debug({ callId: this.callId, outcome: outcome.kind }, 'BYE got no response');
    this.ctx.removeDialog(this);
  }

  #end(reason: DialogEndReason): void {
    if (this.#endReason !== null) return;
    this.#endReason = reason;
    this.sessionRefresh.stop();
    this.#offers.dispose();
    const pending = this.#pendingAck;
    this.#pendingAck = null;
    if (pending !== null) {
      pending.retransmitter.stop();
      pending.reject(new SipError(487, `dialog ended (${reason}) before the ACK`, { code: 'ERR_SIP_CALL_ENDED' }));
    }
    const listeners = this.#endedListeners;
    this.#endedListeners = [];
    this.#dtmfListeners = [];
    for (const listener of listeners) this.#notify(listener, reason);
  }

  #notify(listener: (reason: DialogEndReason) => void, reason: DialogEndReason): void {
    this.#call(() => listener(reason), 'onEnded');
  }

  #call(fn: () => void, what: string): void {
    try {
      fn();
    } catch (error) {
      this.ctx.logger.error({ err: error, callId: this.callId }, `dialog ${what} listener threw`);
    }
  }
}
