/**
 * The app's view of a new INVITE (`IncomingCall` in the contract): progress
 * (reliable when the caller requires 100rel), answer (creating the dialog
 * with the negotiated session timer and retransmitting the 200 until the
 * ACK), reject, and cancellation by the caller.
 */
import type { AnsweredCall, IncomingCall, NameAddr, SipTransportName } from '../signaling/backend.js';
import { ALLOW_FIELD, SDP_CONTENT_TYPE, SUPPORTED_FIELD, allowedMethods, localContact } from './capabilities.js';
import { dialogKey, SipDialog } from './dialog.js';
import { SipError } from './errors.js';
import { formatNameAddr, withoutTag, type NameAddrValue } from './headers/name-addr.js';
import { initialCSeq } from './ids.js';
import type { InboundRequest } from './inbound-request.js';
import { bodyText, headerValue, optionTags, type HeaderField } from './message.js';
import { readRAck, ReliableProvisionals } from './reliable-provisionals.js';
import { safeHeaderValue, warningField } from './response-builder.js';
import { activeAfterUas, uasResponseFields, type UasDecision } from './session-timer.js';
import type { StackContext } from './stack-context.js';
import type { InviteServerTransaction } from './transactions/invite-server-transaction.js';
import { parseSipUri } from './uri.js';

function nameAddr(value: NameAddrValue): NameAddr {
  return { uri: value.uri, user: parseSipUri(value.uri)?.user ?? null, displayName: value.displayName };
}

/** What an incoming call needs from the core beyond the stack context. */
export interface CallServices extends StackContext {
  /** Files the call under its early dialog so PRACKs find it; null forgets it. */
  trackEarly(key: string, call: SipIncomingCall | null): void;
}

export class SipIncomingCall implements IncomingCall {
  readonly callId: string;
  readonly requestUri: string;
  readonly target: string | null;
  readonly from: NameAddr;
  readonly to: NameAddr;
  readonly offer: string | null;
  readonly source: { readonly address: string; readonly port: number; readonly transport: SipTransportName };
  #localAddress: string;
  #cancelled = false;
  #finalSent = false;
  #cancelListeners: Array<() => void> = [];
  readonly #reliable: ReliableProvisionals | null;
  readonly #earlyKey: string;

  constructor(
    private readonly inbound: InboundRequest,
    private readonly tx: InviteServerTransaction,
    localAddress: string,
    private readonly ctx: CallServices,
    /** RFC 4028 outcome for this INVITE (a 'too-small' one never gets this far). */
    private readonly sessionTimer: UasDecision,
  ) {
    const { request, flow } = inbound;
    this.callId = request.callId;
    this.requestUri = request.requestUri;
    this.target = request.uri?.user ?? null;
    this.from = nameAddr(request.from);
    this.to = nameAddr(request.to);
    this.offer = bodyText(request);
    this.source = { address: flow.remoteAddress, port: flow.remotePort, transport: flow.transport };
    this.#localAddress = localAddress;
    this.#earlyKey = dialogKey(request.callId, inbound.toTag, request.from.tag ?? '');
    this.#reliable = optionTags(request.headers, 'require').includes('100rel')
      ? new ReliableProvisionals(ctx, inbound.destination, request.cseq.seq, (status, data) => tx.respond(status, data), () => {
          // RFC 3262 §3: no PRACK within 64*T1: "the UAS SHOULD reject the original request with a 5xx".
          this.reject(504, { warning: 'no PRACK for our reliable provisional response' });
        })
      : null;
  }

  get localAddress(): string {
    return this.#localAddress;
  }

  /** Called by the core once a wildcard-bound local address is resolved, before the app sees the call. */
  setLocalAddress(address: string): void {
    this.#localAddress = address;
  }

  get cancelled(): boolean {
    return this.#cancelled;
  }

  /** True once a final response (2xx, reject, 487) has been sent. */
  get finished(): boolean {
    return this.#finalSent || this.tx.finished;
  }

  header(name: string): string | undefined {
    return headerValue(this.inbound.request.headers, name);
  }

  progress(status: 180 | 183, sdp?: string): void {
    if (this.finished) return;
    const headers: HeaderField[] = [this.#contact()];
    if (sdp !== undefined) headers.push(SDP_CONTENT_TYPE);
    const reliable = this.#reliable;
    if (reliable === null) {
      this.inbound.respond(status, { headers, body: sdp ?? null, copyRecordRoute: true });
      return;
    }
    this.ctx.trackEarly(this.#earlyKey, this);
    reliable.send(status, sdp !== undefined, (rseq) =>
      this.inbound.build(status, {
        headers: [...headers, { name: 'require', value: '100rel' }, { name: 'rseq', value: String(rseq) }],
        body: sdp ?? null,
        copyRecordRoute: true,
      }),
    );
  }

  /** A PRACK in this call's early dialog: 200 when it acknowledges our reliable provisional, else 481. */
  receivePrack(prack: InboundRequest): void {
    const rack = readRAck(prack.request);
    const matched = rack !== null && this.#reliable !== null && this.#reliable.prack(rack);
    prack.respond(matched ? 200 : 481);
  }

  async answer(sdp: string): Promise<AnsweredCall> {
    if (this.#reliable?.sdpUnacknowledged === true) await this.#reliable.settled();
    if (this.#cancelled) throw new SipError(487, 'the caller cancelled the call', { code: 'ERR_SIP_CANCELLED' });
    if (this.finished) throw new SipError(500, 'the call already has a final response', { code: 'ERR_SIP_STATE' });
    this.#finish();
    const { request } = this.inbound;
    const dialog = new SipDialog(
      {
        role: 'uas',
        callId: request.callId,
        localTag: this.inbound.toTag,
        remoteTag: request.from.tag ?? '',
        localUri: withoutTag(request.to),
        remoteUri: withoutTag(request.from),
        remoteTarget: request.contacts[0]?.uri ?? request.from.uri,
        routeSet: request.recordRoutes.map(formatNameAddr),
        remoteSeq: request.cseq.seq,
        localSeq: initialCSeq(),
        flow: this.inbound.flow,
        localAddress: this.#localAddress,
        localSdp: sdp,
        remoteAllow: allowedMethods(request),
        sessionTimer: activeAfterUas(this.sessionTimer),
      },
      this.ctx,
    );
    this.ctx.addDialog(dialog);
    const response = this.inbound.build(200, {
      headers: [this.#contact(), ALLOW_FIELD, SUPPORTED_FIELD, ...uasResponseFields(this.sessionTimer), SDP_CONTENT_TYPE],
      body: sdp,
      copyRecordRoute: true,
    });
    this.tx.respond(200, response);
    const lateOffer = this.offer === null;
    const ackBody = await dialog.awaitAck(request.cseq.seq, response, this.inbound.destination);
    return { dialog, ackSdp: lateOffer ? ackBody : null };
  }

  reject(status: number, options: { reason?: string; warning?: string; headers?: Readonly<Record<string, string>> } = {}): void {
    if (!Number.isInteger(status) || status < 300 || status > 699) {
      throw new SipError(500, `reject() needs a status from 300 to 699, got ${status}`, { code: 'ERR_SIP_STATE' });
    }
    if (this.finished) return;
    this.#finish();
    const headers: HeaderField[] = [];
    if (options.warning !== undefined) headers.push(warningField(this.#localAddress, options.warning));
    for (const [name, value] of Object.entries(options.headers ?? {})) {
      headers.push({ name: name.toLowerCase(), value: safeHeaderValue(value) });
    }
    this.inbound.respond(status, { reason: options.reason === undefined ? null : safeHeaderValue(options.reason), headers });
  }

  onCancel(listener: () => void): void {
    if (this.#cancelled) queueMicrotask(() => this.#notify(listener));
    else this.#cancelListeners.push(listener);
  }

  /** CANCEL matched this INVITE (the CANCEL itself is already answered 200): 487 and tell the app. */
  cancel(): void {
    if (this.finished) return;
    this.#cancelled = true;
    this.#finish();
    this.inbound.respond(487);
    const listeners = this.#cancelListeners;
    this.#cancelListeners = [];
    for (const listener of listeners) this.#notify(listener);
  }

  /** Shutdown before the app answered: 503. */
  shutdown(): void {
    if (this.finished) return;
    this.#finish();
    this.inbound.respond(503, { headers: [{ name: 'retry-after', value: '5' }] });
  }

  #finish(): void {
    this.#finalSent = true;
    this.#reliable?.stop();
    this.ctx.trackEarly(this.#earlyKey, null);
  }

  #contact(): HeaderField {
    const transport = this.inbound.flow.transport;
    return localContact(transport, this.#localAddress, this.ctx.listenPort(transport));
  }

  #notify(listener: () => void): void {
    try {
      listener();
    } catch (error) {
      this.ctx.logger.error({ err: error, callId: this.callId }, 'onCancel listener threw');
    }
  }
}
