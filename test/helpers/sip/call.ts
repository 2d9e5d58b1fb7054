/**
 * One call placed by the test client: the INVITE transaction, the dialog it
 * creates (RFC 3261 §12: tags, remote target, route set, CSeq), its RTP
 * endpoint, and the in-dialog requests a test needs (BYE, INFO…).
 */
import type { ClientTransaction } from './client-transaction.js';
import { SipTestClientError } from './errors.js';
import { paramOf, uriOf, type SipMessage } from './message.js';
import { buildRequest, newBranch, type Locality, type RequestSpec } from './requests.js';
import type { RtpEndpoint, ReceivedAudio } from './rtp-endpoint.js';
import { answerLateOffer, parseRemoteMedia, type RemoteMedia } from './sdp.js';
import type { SipConnection } from './transport.js';
import { deferred, withTimeout } from './wait.js';
import { generateTone } from '../audio.js';
import type { G711Law } from '../g711.js';

/** What a call needs from its client. */
export interface ClientCore {
  readonly connection: SipConnection;
  readonly local: Locality;
  readonly timeoutMs: number;
  startTransaction(text: string, method: string, branch: string, buildAck?: (final: SipMessage) => string): ClientTransaction;
}

export interface ToneSendOptions {
  readonly frequency: number;
  readonly dbfs: number;
  readonly durationMs: number;
  /** Defaults to the negotiated codec. */
  readonly codec?: G711Law;
}

export interface CallIdentity {
  readonly callId: string;
  readonly requestUri: string;
  readonly from: string;
  readonly to: string;
  readonly cseq: number;
  /** Codecs we offered (or accept in a late offer). */
  readonly codecs: readonly string[];
  readonly lateOffer: boolean;
  readonly offerSdp: string | null;
}

export type CallEnd = 'local-bye' | 'remote-bye';

export class SipTestCall {
  /** Final status of the INVITE (0 until it arrives). */
  status = 0;
  /** The final response to the INVITE. */
  finalResponse: SipMessage | null = null;
  /** SDP of the 2xx (the answer, or the far end's offer for a late-offer call). */
  answerSdp: string | null = null;
  remoteMedia: RemoteMedia | null = null;
  /** The server's BYE, once it came. */
  byeReceived: SipMessage | null = null;
  private remoteTag = '';
  private remoteTarget = '';
  private routeSet: string[] = [];
  private localCseq: number;
  private ackText: string | null = null;
  private readonly end = deferred<CallEnd>();
  private endedBy: CallEnd | null = null;

  constructor(
    private readonly core: ClientCore,
    readonly identity: CallIdentity,
    readonly invite: ClientTransaction,
    readonly rtp: RtpEndpoint,
  ) {
    this.localCseq = identity.cseq;
  }

  get callId(): string {
    return this.identity.callId;
  }

  /** Every status code seen for the INVITE, in order (e.g. [100, 180, 200]). */
  get responses(): number[] {
    return this.invite.responses.map((r) => r.status);
  }

  get ended(): boolean {
    return this.endedBy !== null;
  }

  /** Called by the client with the INVITE's final response: build the dialog and ACK a 2xx. */
  async settle(final: SipMessage): Promise<void> {
    this.status = final.status;
    this.finalResponse = final;
    if (final.status < 200 || final.status >= 300) {
      await this.rtp.close();
      return;
    }
    this.remoteTag = paramOf(final.header('to') ?? '', 'tag') ?? '';
    this.remoteTarget = uriOf(final.header('contact') ?? '') || this.identity.requestUri;
    this.routeSet = final.headerAll('record-route').reverse();
    this.answerSdp = final.body.length > 0 ? final.body : null;
    this.remoteMedia = this.answerSdp === null ? null : parseRemoteMedia(this.answerSdp);
    let ackBody: string | undefined;
    if (this.identity.lateOffer && this.remoteMedia !== null) {
      ackBody = answerLateOffer(this.remoteMedia, this.rtp.local, this.identity.codecs) ?? undefined;
    }
    if (this.remoteMedia !== null) {
      this.rtp.remote = { host: this.remoteMedia.address, port: this.remoteMedia.port };
      for (const [pt, { name }] of this.remoteMedia.formats) {
        if (name === 'PCMU' || name === 'PCMA') this.rtp.laws.set(pt, name);
      }
    }
    // The ACK of a 2xx is its own transaction: new branch, sent to the remote target (§13.2.2.4).
    this.ackText = buildRequest(this.core.local, {
      ...this.dialogSpec('ACK', newBranch()),
      cseq: this.identity.cseq,
      ...(ackBody === undefined ? {} : { body: ackBody }),
    });
    this.core.connection.send(this.ackText);
  }

  /** A retransmitted 2xx means our ACK was lost: send it again. */
  resendAck(): void {
    if (this.ackText !== null) this.core.connection.send(this.ackText);
  }

  private dialogSpec(method: string, branch: string): RequestSpec {
    return {
      method,
      uri: this.remoteTarget,
      callId: this.callId,
      from: this.identity.from,
      to: this.remoteTag ? `${this.identity.to};tag=${this.remoteTag}` : this.identity.to,
      cseq: this.localCseq,
      branch,
      route: this.routeSet,
    };
  }

  private requireDialog(what: string): void {
    if (this.status < 200 || this.status >= 300) {
      throw new SipTestClientError('PROTOCOL', `cannot ${what}: the INVITE got ${this.status || 'no final response'}`);
    }
  }

  /** Sends an in-dialog request and resolves with its final response. */
  async request(
    method: string,
    options: { headers?: Readonly<Record<string, string>>; body?: string; contentType?: string; timeoutMs?: number } = {},
  ): Promise<SipMessage> {
    this.requireDialog(`send ${method}`);
    this.localCseq++;
    const branch = newBranch();
    const text = buildRequest(this.core.local, {
      ...this.dialogSpec(method, branch),
      ...(options.headers ? { headers: options.headers } : {}),
      ...(options.body === undefined ? {} : { body: options.body }),
      ...(options.contentType === undefined ? {} : { contentType: options.contentType }),
    });
    const transaction = this.core.startTransaction(text, method, branch);
    return withTimeout(transaction.final, options.timeoutMs ?? this.core.timeoutMs, `final response to ${method} in call ${this.callId}`);
  }

  /** Sends BYE, awaits its final response and closes the RTP socket. */
  async hangup(timeoutMs?: number): Promise<SipMessage> {
    const response = await this.request('BYE', timeoutMs === undefined ? {} : { timeoutMs });
    this.markEnded('local-bye');
    await this.rtp.close();
    return response;
  }

  /** Called by the client when the server sends BYE in this dialog (already answered 200). */
  remoteHangup(bye: SipMessage): void {
    this.byeReceived = bye;
    this.markEnded('remote-bye');
    void this.rtp.close();
  }

  private markEnded(how: CallEnd): void {
    if (this.endedBy !== null) return;
    this.endedBy = how;
    this.end.resolve(how);
  }

  /** Resolves when the call ends by BYE from either side. */
  waitForEnd(timeoutMs = this.core.timeoutMs): Promise<CallEnd> {
    return withTimeout(this.end.promise, timeoutMs, `the end of call ${this.callId}`);
  }

  /** Streams a tone in the negotiated codec (or `codec`), paced in real time. Resolves with packets sent. */
  async sendTone(options: ToneSendOptions): Promise<number> {
    const media = this.remoteMedia;
    const law = options.codec ?? (media?.codec === 'PCMA' ? 'PCMA' : 'PCMU');
    const tone = generateTone({ frequency: options.frequency, dbfs: options.dbfs, durationMs: options.durationMs });
    return this.sendPcm(tone, law);
  }

  /** Streams 8 kHz PCM as G.711 frames of the negotiated ptime (20 ms when the answer has none). */
  async sendPcm(pcm: Int16Array, law: G711Law): Promise<number> {
    this.requireDialog('send RTP');
    const media = this.remoteMedia;
    if (media === null) throw new SipTestClientError('PROTOCOL', `call ${this.callId} has no remote media to send to`);
    const payloadType = [...media.formats].find(([, f]) => f.name === law)?.[0] ?? (law === 'PCMA' ? 8 : 0);
    return this.rtp.sendPcm(pcm, { law, payloadType, ptime: media.ptime ?? 20 });
  }

  /** Everything received on our RTP port so far, decoded. */
  received(): ReceivedAudio {
    return this.rtp.received();
  }

  /** Resolves once `packets` RTP packets have arrived in total. */
  waitForRtp(packets: number, timeoutMs = this.core.timeoutMs): Promise<void> {
    return this.rtp.waitForPackets(packets, timeoutMs);
  }

  /** Closes the RTP socket without signalling (the client's close does this for every call). */
  async close(): Promise<void> {
    await this.rtp.close();
  }
}

