/**
 * A dialog on the UAS side (RFC 3261 §12): created by our 2xx to an INVITE,
 * confirmed by the ACK, ended by BYE either way. It follows in-dialog
 * requests (re-INVITE/UPDATE offers, INFO, BYE) and sends our BYE.
 */
import type { DialogEndReason, Dialog } from '../signaling/backend.js';
import { SipError } from './errors.js';
import { formatNameAddr, withTag, type NameAddrValue } from './headers/name-addr.js';
import { initialCSeq } from './ids.js';
import type { InboundRequest } from './inbound-request.js';
import { bodyText, type SipRequest } from './message.js';
import { buildInDialogRequest, destinationFor, routeRequest } from './request-builder.js';
import { warningField } from './response-builder.js';
import type { StackContext } from './stack-context.js';
import type { Destination, Flow } from './transport.js';
import { TwoXxRetransmitter } from './two-xx-retransmitter.js';
import { ALLOW_FIELD, SDP_CONTENT_TYPE, SUPPORTED_FIELD, localContact } from './capabilities.js';

export interface DialogInit {
  readonly callId: string;
  readonly localTag: string;
  readonly remoteTag: string;
  /** Our address (the INVITE's To, without tag). */
  readonly localUri: NameAddrValue;
  /** Their address (the INVITE's From, without tag). */
  readonly remoteUri: NameAddrValue;
  /** Contact URI of the INVITE. */
  readonly remoteTarget: string;
  /** Record-Route values of the INVITE, in order (RFC 3261 §12.1.1). */
  readonly routeSet: readonly string[];
  readonly remoteSeq: number;
  /** The flow the INVITE came on: in-dialog requests reuse its connection. */
  readonly flow: Flow;
  readonly localAddress: string;
  readonly localSdp: string;
}

export function dialogKey(callId: string, localTag: string, remoteTag: string): string {
  return `${callId}\u0000${localTag}\u0000${remoteTag}`;
}

type OfferHandler = (offer: string | null) => Promise<string>;

interface PendingAck {
  readonly cseq: number;
  readonly retransmitter: TwoXxRetransmitter;
  readonly resolve: (ackBody: string | null) => void;
  readonly reject: (error: SipError) => void;
}

export class SipDialog implements Dialog {
  readonly callId: string;
  readonly key: string;
  #endReason: DialogEndReason | null = null;
  #localSeq = initialCSeq();
  #remoteSeq: number;
  #remoteTarget: string;
  #localSdp: string;
  #offerHandler: OfferHandler | null = null;
  #endedListeners: Array<(reason: DialogEndReason) => void> = [];
  #pendingAck: PendingAck | null = null;
  #offerInProgress = false;
  #bye: Promise<void> | null = null;

  constructor(
    private readonly init: DialogInit,
    private readonly ctx: StackContext,
  ) {
    this.callId = init.callId;
    this.key = dialogKey(init.callId, init.localTag, init.remoteTag);
    this.#remoteSeq = init.remoteSeq;
    this.#remoteTarget = init.remoteTarget;
    this.#localSdp = init.localSdp;
  }

  get ended(): boolean {
    return this.#endReason !== null;
  }

  get localSdp(): string {
    return this.#localSdp;
  }

  get remoteTarget(): string {
    return this.#remoteTarget;
  }

  onOffer(handler: OfferHandler): void {
    this.#offerHandler = handler;
  }

  onEnded(listener: (reason: DialogEndReason) => void): void {
    const reason = this.#endReason;
    if (reason === null) this.#endedListeners.push(listener);
    else queueMicrotask(() => this.#notify(listener, reason));
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
   * Retransmits our 2xx (`response`, for the INVITE with CSeq `cseq`) until the
   * ACK; resolves with the ACK's body. With no ACK within 64*T1 it sends BYE
   * and rejects (ERR_SIP_ACK_TIMEOUT); it also rejects if the dialog ends first.
   */
  awaitAck(cseq: number, response: Buffer, destination: Destination): Promise<string | null> {
    this.#pendingAck?.retransmitter.stop();
    return new Promise((resolve, reject) => {
      const retransmitter = new TwoXxRetransmitter(
        () => this.ctx.sendResponse(response, destination),
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
    // INFO bodies (SIP INFO DTMF, for instance) are not interpreted yet: acknowledged only.
    if (!this.#acceptsCSeq(inbound)) return;
    inbound.respond(this.ended ? 481 : 200);
  }

  receiveReinvite(inbound: InboundRequest): void {
    if (!this.#acceptsCSeq(inbound)) return;
    void this.#answerOffer(inbound, true);
  }

  receiveUpdate(inbound: InboundRequest): void {
    if (!this.#acceptsCSeq(inbound)) return;
    if (inbound.request.body.length === 0) {
      this.#updateTarget(inbound.request);
      inbound.respond(this.ended ? 481 : 200, { headers: [this.#contact()] });
      return;
    }
    void this.#answerOffer(inbound, false);
  }

  /** Ends the dialog without BYE (the transport is gone). */
  terminate(reason: DialogEndReason): void {
    this.#end(reason);
    this.ctx.removeDialog(this);
  }

  // ---- internals -------------------------------------------------------------------

  /** RFC 3261 §12.2.2: lower CSeq than the last one seen means out of order: 500. */
  #acceptsCSeq(inbound: InboundRequest): boolean {
    const seq = inbound.request.cseq.seq;
    if (seq < this.#remoteSeq) {
      inbound.respond(500, { reason: 'Out of Order', headers: [{ name: 'retry-after', value: '1' }] });
      return false;
    }
    this.#remoteSeq = seq;
    return true;
  }

  #updateTarget(request: SipRequest): void {
    // RFC 3261 §12.2.2: a target refresh request replaces the remote target with its Contact.
    const contact = request.contacts[0];
    if (contact !== undefined && contact.uri !== '*') this.#remoteTarget = contact.uri;
  }

  #contact(): { name: string; value: string } {
    const transport = this.init.flow.transport;
    return localContact(transport, this.init.localAddress, this.ctx.listenPort(transport));
  }

  /** A re-INVITE or UPDATE offer: ask the app's handler, answer 200 with its SDP or its SipError status. */
  async #answerOffer(inbound: InboundRequest, isInvite: boolean): Promise<void> {
    if (this.ended) {
      inbound.respond(481);
      return;
    }
    if (this.#offerInProgress || this.#pendingAck !== null) {
      // RFC 3261 §14.2 / RFC 3311 §5.2: an offer while another is in progress gets 491.
      inbound.respond(491);
      return;
    }
    this.#updateTarget(inbound.request);
    const offer = bodyText(inbound.request);
    this.#offerInProgress = true;
    let answer: string;
    try {
      answer = this.#offerHandler === null ? this.#localSdp : await this.#offerHandler(offer);
    } catch (error) {
      this.#offerInProgress = false;
      const status = error instanceof SipError && error.status >= 300 && error.status <= 699 ? error.status : 500;
      const text = error instanceof Error ? error.message : 'offer refused';
      inbound.respond(status, { headers: [warningField(this.init.localAddress, text)] });
      return;
    }
    this.#offerInProgress = false;
    if (this.ended || inbound.tx === null || inbound.tx.finished) return; // cancelled or ended meanwhile
    this.#localSdp = answer;
    const response = inbound.build(200, {
      headers: [this.#contact(), ALLOW_FIELD, SUPPORTED_FIELD, SDP_CONTENT_TYPE],
      body: answer,
    });
    inbound.tx.respond(200, response);
    if (!isInvite) return;
    // The re-INVITE's 2xx is retransmitted until its ACK, like the first one. (An ACK carrying
    // the answer to an offer we made for an offerless re-INVITE is not surfaced to the app.)
    this.awaitAck(inbound.request.cseq.seq, response, inbound.destination).catch(() => undefined);
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
    const routing = routeRequest(this.#remoteTarget, this.init.routeSet);
    const destination = destinationFor(routing.nextHop, this.init.flow);
    if (destination === null) {
      this.ctx.logger.warn({ callId: this.callId, target: routing.nextHop }, 'cannot route BYE; dialog dropped');
      this.ctx.removeDialog(this);
      return;
    }
    this.#localSeq++;
    const { bytes, branch } = buildInDialogRequest({
      method: 'BYE',
      routing,
      callId: this.callId,
      from: formatNameAddr(withTag(this.init.localUri, this.init.localTag)),
      to: formatNameAddr(withTag(this.init.remoteUri, this.init.remoteTag)),
      cseq: this.#localSeq,
      transport: destination.transport,
      localAddress: this.init.localAddress,
      localPort: this.ctx.listenPort(destination.transport),
      userAgent: this.ctx.userAgent,
    });
    const tx = this.ctx.sendRequest({ bytes, branch, method: 'BYE', destination });
    const outcome = await tx.outcome;
    if (outcome.kind !== 'response') this.ctx.logger.debug({ callId: this.callId, outcome: outcome.kind }, 'BYE got no response');
    this.ctx.removeDialog(this);
  }

  #end(reason: DialogEndReason): void {
    if (this.#endReason !== null) return;
    this.#endReason = reason;
    const pending = this.#pendingAck;
    this.#pendingAck = null;
    if (pending !== null) {
      pending.retransmitter.stop();
      pending.reject(new SipError(487, `dialog ended (${reason}) before the ACK`, { code: 'ERR_SIP_CALL_ENDED' }));
    }
    const listeners = this.#endedListeners;
    this.#endedListeners = [];
    for (const listener of listeners) this.#notify(listener, reason);
  }

  #notify(listener: (reason: DialogEndReason) => void, reason: DialogEndReason): void {
    try {
      listener(reason);
    } catch (error) {
      this.ctx.logger.error({ err: error, callId: this.callId }, 'dialog onEnded listener threw');
    }
  }
}
