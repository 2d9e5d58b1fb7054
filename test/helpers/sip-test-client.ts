/**
 * A small SIP user agent for integration tests: places calls over UDP (or
 * TCP) on 127.0.0.1 to one server, streams G.711 RTP and records what comes
 * back. Independent of server/ and media/ by design (it is the far end that
 * grades them). Every wait is bounded and rejects with a SipTestClientError
 * that says what it was waiting for.
 *
 *   const client = await SipTestClient.create({ server: { host, port } });
 *   const call = await client.invite('echo', { codecs: ['PCMU'] });
 *   await call.sendTone({ frequency: 1000, dbfs: -10, durationMs: 1000 });
 *   const { pcm } = call.received();
 *   await call.hangup();
 *   await client.close();
 */
import { SipTestCall, type ClientCore } from './sip/call.js';
import { ClientTransaction, transactionKey } from './sip/client-transaction.js';
import { SipTestClientError } from './sip/errors.js';
import { answerIncoming, type RequestHandler } from './sip/incoming.js';
import type { SipMessage } from './sip/message.js';
import { PendingInvite, type StartedInvite } from './sip/pending-invite.js';
import { buildRequest, newBranch, randomToken, type Locality } from './sip/requests.js';
import { RtpEndpoint } from './sip/rtp-endpoint.js';
import { buildSdp } from './sip/sdp.js';
import { openConnection, type Endpoint, type SipConnection, type SipTestTransport } from './sip/transport.js';
import { deferred, withTimeout } from './sip/wait.js';

export { SipTestCall, type CallEnd, type ToneSendOptions } from './sip/call.js';
export { SipTestClientError, type SipTestClientErrorCode } from './sip/errors.js';
export { SipMessage } from './sip/message.js';
export { PendingInvite } from './sip/pending-invite.js';
export type { IncomingRequest, RequestHandler } from './sip/incoming.js';
export type { RemoteMedia } from './sip/sdp.js';
export type { ReceivedAudio, ReceivedPacket } from './sip/rtp-endpoint.js';
export type { Endpoint, SipTestTransport } from './sip/transport.js';

export interface SipTestClientOptions {
  readonly server: Endpoint;
  readonly transport?: SipTestTransport;
  /** Local address for SIP and RTP sockets. */
  readonly host?: string;
  /** RFC 3261 T1 for UDP retransmissions (default 500 ms). */
  readonly t1Ms?: number;
  /** Default bound on every wait (default 5000 ms). */
  readonly timeoutMs?: number;
  /** User part of our From and Contact. */
  readonly user?: string;
}

export interface InviteOptions {
  /** Offered codecs, most preferred first (default PCMU, PCMA). */
  readonly codecs?: readonly string[];
  readonly ptime?: number;
  readonly telephoneEvent?: boolean;
  /** Send the INVITE without SDP; the offer then comes in the 200 and our answer in the ACK. */
  readonly lateOffer?: boolean;
  /** A raw SDP offer that replaces the generated one (negative tests). */
  readonly sdp?: string;
  readonly extraHeaders?: Readonly<Record<string, string>>;
  /** Bound on the wait for the final response (default: the client's timeoutMs). */
  readonly timeoutMs?: number;
}

export interface RequestOptions {
  readonly extraHeaders?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly contentType?: string;
  readonly timeoutMs?: number;
}

export class SipTestClient implements ClientCore {
  readonly local: Locality;
  readonly timeoutMs: number;
  private readonly t1Ms: number;
  private readonly transactions = new Map<string, ClientTransaction>();
  private readonly calls = new Map<string, SipTestCall>();
  private readonly handlers: RequestHandler[] = [];
  private readonly strays: SipMessage[] = [];
  private strayWaiters: { match: (m: SipMessage) => boolean; resolve: (m: SipMessage) => void }[] = [];
  private closing: Promise<void> | null = null;

  private constructor(
    readonly connection: SipConnection,
    private readonly options: SipTestClientOptions,
  ) {
    this.local = {
      transport: connection.kind,
      host: connection.local.host,
      port: connection.local.port,
      user: options.user ?? 'tester',
      userAgent: 'voxbridge-sip-test-client',
    };
    this.t1Ms = options.t1Ms ?? 500;
    this.timeoutMs = options.timeoutMs ?? 5000;
    connection.onMessage((message) => (message.kind === 'response' ? this.onResponse(message) : this.handleRequest(message)));
  }

  static async create(options: SipTestClientOptions): Promise<SipTestClient> {
    const connection = await openConnection(options.transport ?? 'udp', options.server, options.host ?? '127.0.0.1');
    return new SipTestClient(connection, options);
  }

  /** Places a call and resolves after the final response (and the ACK of a 2xx). Non-2xx resolves too: check `status`. */
  async invite(target: string, options: InviteOptions = {}): Promise<SipTestCall> {
    return this.inviteNoWait(target, options).final(options.timeoutMs);
  }

  /** Starts a call without waiting: await provisional responses, the final one, or cancel it. */
  inviteNoWait(target: string, options: InviteOptions = {}): PendingInvite {
    return new PendingInvite(this.startInvite(target, options), this);
  }

  private async startInvite(target: string, options: InviteOptions): Promise<StartedInvite> {
    this.assertOpen();
    const rtp = await RtpEndpoint.open(this.local.host);
    if (this.closing) {
      await rtp.close();
      this.assertOpen();
    }
    const codecs = options.codecs ?? ['PCMU', 'PCMA'];
    const offerSdp = options.lateOffer
      ? null
      : (options.sdp ??
        buildSdp(rtp.local, {
          codecs,
          ptime: options.ptime ?? 20,
          ...(options.telephoneEvent === undefined ? {} : { telephoneEvent: options.telephoneEvent }),
        }));
    const uri = this.uriFor(target);
    const identity = {
      callId: `${randomToken()}@${this.local.host}`,
      requestUri: uri,
      from: `<sip:${this.local.user}@${this.local.host}>;tag=${randomToken(4)}`,
      to: `<${uri}>`,
      cseq: 1,
      codecs,
      lateOffer: options.lateOffer ?? false,
      offerSdp,
    };
    const branch = newBranch();
    const spec = { method: 'INVITE', uri, callId: identity.callId, from: identity.from, to: identity.to, cseq: 1, branch };
    const text = buildRequest(this.local, {
      ...spec,
      ...(options.extraHeaders ? { headers: options.extraHeaders } : {}),
      ...(offerSdp === null ? {} : { body: offerSdp }),
    });
    // The ACK of a non-2xx reuses the INVITE's branch and takes the response's To (§17.1.1.3).
    const buildAck = (final: SipMessage): string =>
      buildRequest(this.local, { ...spec, method: 'ACK', to: final.header('to') ?? identity.to });
    const transaction = this.startTransaction(text, 'INVITE', branch, buildAck);
    const call = new SipTestCall(this, identity, transaction, rtp);
    this.calls.set(identity.callId, call);
    const settled = transaction.final.then(async (final) => {
      await call.settle(final);
      return call;
    });
    settled.catch(() => undefined);
    return { call, settled };
  }

  /** Sends an out-of-dialog request (OPTIONS, FOO, …) and resolves with its final response. */
  async request(method: string, target: string, options: RequestOptions = {}): Promise<SipMessage> {
    this.assertOpen();
    const uri = this.uriFor(target);
    const branch = newBranch();
    const text = buildRequest(this.local, {
      method,
      uri,
      callId: `${randomToken()}@${this.local.host}`,
      from: `<sip:${this.local.user}@${this.local.host}>;tag=${randomToken(4)}`,
      to: `<${uri}>`,
      cseq: 1,
      branch,
      ...(options.extraHeaders ? { headers: options.extraHeaders } : {}),
      ...(options.body === undefined ? {} : { body: options.body }),
      ...(options.contentType === undefined ? {} : { contentType: options.contentType }),
    });
    const transaction = this.startTransaction(text, method, branch);
    return withTimeout(transaction.final, options.timeoutMs ?? this.timeoutMs, `final response to ${method} ${uri}`);
  }

  /** Registers a handler for requests the server sends (BYE, re-INVITE, OPTIONS…). */
  onRequest(handler: RequestHandler): void {
    this.handlers.push(handler);
  }

  /** Sends bytes as they are (malformed-message tests); answers come through `waitForResponse`. */
  sendRaw(data: string | Uint8Array): void {
    this.assertOpen();
    this.connection.send(data);
  }

  /** The first response matching no transaction of ours (e.g. to `sendRaw`) that satisfies `match`. */
  waitForResponse(match: (response: SipMessage) => boolean = () => true, timeoutMs = this.timeoutMs): Promise<SipMessage> {
    const seen = this.strays.find(match);
    if (seen) return Promise.resolve(seen);
    const found = deferred<SipMessage>();
    this.strayWaiters.push({ match, resolve: found.resolve });
    return withTimeout(found.promise, timeoutMs, 'a response to a raw message');
  }

  /** Datagrams or stream messages from the server that were not parseable SIP. */
  get malformedReceived(): number {
    return this.connection.malformed;
  }

  startTransaction(text: string, method: string, branch: string, buildAck?: (final: SipMessage) => string): ClientTransaction {
    const transaction = new ClientTransaction({
      connection: this.connection,
      text,
      method,
      branch,
      t1Ms: this.t1Ms,
      ...(buildAck ? { buildAck } : {}),
    });
    this.transactions.set(transaction.key, transaction);
    transaction.start();
    return transaction;
  }

  private onResponse(response: SipMessage): void {
    const transaction = this.transactions.get(transactionKey(response.topViaBranch, response.method));
    const call = this.calls.get(response.callId);
    if (response.method === 'INVITE' && response.status >= 200 && response.status < 300 && call && call.status >= 200) {
      call.resendAck(); // a retransmitted 2xx: our ACK was lost
      return;
    }
    if (transaction) return transaction.receive(response);
    this.strays.push(response);
    const waiting = this.strayWaiters;
    this.strayWaiters = waiting.filter((w) => !w.match(response));
    for (const waiter of waiting) if (waiter.match(response)) waiter.resolve(response);
  }

  private handleRequest(message: SipMessage): void {
    answerIncoming(message, this.calls.get(message.callId) ?? null, this.handlers, this.connection, this.local);
  }

  uriFor(target: string): string {
    if (target.startsWith('sip:')) return target;
    const { host, port } = this.options.server;
    return `sip:${target}@${host}:${port}`;
  }

  private assertOpen(): void {
    if (this.closing) throw new SipTestClientError('CLOSED', 'the SIP test client is closed');
  }

  /** Stops every timer, closes every RTP socket and the SIP socket. Idempotent; sends nothing. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const transaction of this.transactions.values()) transaction.abort(new SipTestClientError('CLOSED', 'client closed'));
      await Promise.all([...this.calls.values()].map((call) => call.close()));
      await this.connection.close();
    })();
    return this.closing;
  }
}
