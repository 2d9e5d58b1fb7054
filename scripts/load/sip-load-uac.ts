/**
 * A minimal SIP UAC for load runs: places many calls from one UDP socket
 * (INVITE with an SDP offer pointing at a load generator's port, ACK on 2xx,
 * BYE at the end), with RFC 3261 retransmission over UDP (Timer A/E doubling
 * from T1, giving up after 64 × T1) and answers to requests the server sends
 * inside a dialog (BYE → 200). `placeCalls` paces new calls at a fixed rate
 * on absolute deadlines.
 */
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { answeredMedia, buildRequest, buildResponse, newBranch, newToken, offerSdp, parseSip, type DialogIds, type ParsedSip, type SipAddress } from './sip-messages.js';
import type { GeneratorCodec } from './tone-frames.js';

const T1_MS = 500;
const T2_MS = 4000;
const TIMEOUT_MS = 64 * T1_MS;

export interface CallOffer {
  readonly rtpPort: number;
  readonly codec: GeneratorCodec;
  readonly rtcpMux?: boolean;
}

export interface UacCall {
  readonly dialog: DialogIds;
  /** Where the server wants our RTP. */
  readonly media: SipAddress;
  /** INVITE sent → 200 OK received (ms). */
  readonly setupMs: number;
  /** Set when the server ended the call with its own BYE. */
  endedByServer: boolean;
}

export class SipLoadError extends Error {
  readonly code: 'rejected' | 'timeout' | 'no-media' | 'closed';
  readonly status: number;
  constructor(code: SipLoadError['code'], message: string, status = 0) {
    super(message);
    this.name = 'SipLoadError';
    this.code = code;
    this.status = status;
  }
}

/** One outstanding client transaction: resolves on its final response. */
interface Pending {
  readonly resolve: (response: ParsedSip) => void;
  provisional: boolean;
}

export class SipLoadUac {
  readonly #socket: Socket;
  readonly #server: SipAddress;
  readonly #local: SipAddress;
  readonly #target: string;
  /** Key: Call-ID + CSeq method. */
  readonly #pending = new Map<string, Pending>();
  readonly #calls = new Map<string, UacCall>();
  /** Answered dialogs whose ACK goes out again on each retransmitted 200. */
  readonly #acks = new Map<string, Buffer>();
  #closed = false;
  retransmissions = 0;

  private constructor(socket: Socket, server: SipAddress, target: string) {
    this.#socket = socket;
    this.#server = server;
    this.#target = target;
    this.#local = { address: socket.address().address, port: socket.address().port };
    socket.on('message', (data: Buffer) => this.#receive(data));
    socket.on('error', () => undefined);
  }

  static async open(options: { server: SipAddress; target?: string; localAddress?: string }): Promise<SipLoadUac> {
    const socket = createSocket({ type: 'udp4', recvBufferSize: 4 * 1024 * 1024 });
    socket.bind(0, options.localAddress ?? '127.0.0.1');
    await once(socket, 'listening');
    return new SipLoadUac(socket, options.server, options.target ?? 'echo');
  }

  get activeCalls(): number {
    return this.#calls.size;
  }

  /** Places one call; resolves once answered and ACKed. */
  async call(offer: CallOffer): Promise<UacCall> {
    const dialog: DialogIds = {
      callId: `${newToken(12)}@voxload`,
      fromTag: newToken(6),
      target: this.#target,
      server: this.#server,
      local: this.#local,
      toTag: '',
      remoteUri: `sip:${this.#target}@${this.#server.address}:${this.#server.port}`,
    };
    const started = performance.now();
    const invite = buildRequest(dialog, 'INVITE', newBranch(), 1, offerSdp(this.#local.address, offer.rtpPort, offer.codec, offer.rtcpMux ?? true));
    const response = await this.#transact(dialog.callId, 'INVITE', invite, true);
    dialog.toTag = response.toTag;
    if (response.status >= 300) {
      this.#send(buildRequest(dialog, 'ACK', newBranch(), 1));
      throw new SipLoadError('rejected', `INVITE answered ${response.status}`, response.status);
    }
    if (response.contactUri !== null) dialog.remoteUri = response.contactUri;
    const ack = buildRequest(dialog, 'ACK', newBranch(), 1);
    this.#acks.set(dialog.callId, ack);
    this.#send(ack);
    const media = answeredMedia(response.body);
    const call: UacCall = { dialog, media: media ?? { address: '', port: 0 }, setupMs: performance.now() - started, endedByServer: false };
    this.#calls.set(dialog.callId, call);
    if (media === null) {
      await this.hangup(call);
      throw new SipLoadError('no-media', 'the 200 OK carried no audio');
    }
    return call;
  }

  /** Sends BYE; resolves with its final status (0 if the server had already ended the call). */
  async hangup(call: UacCall): Promise<number> {
    if (!this.#calls.delete(call.dialog.callId) || call.endedByServer) return 0;
    this.#acks.delete(call.dialog.callId);
    const response = await this.#transact(call.dialog.callId, 'BYE', buildRequest(call.dialog, 'BYE', newBranch(), 2), false);
    return response.status;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await new Promise<void>((resolve) => this.#socket.close(() => resolve()));
  }

  #send(message: Buffer): void {
    if (!this.#closed) this.#socket.send(message, this.#server.port, this.#server.address);
  }

  /**
   * Sends a request and retransmits it until a final response: INVITE on
   * Timer A (stops at the first provisional), BYE on Timer E (capped at T2).
   */
  #transact(callId: string, method: string, message: Buffer, invite: boolean): Promise<ParsedSip> {
    const key = `${callId} ${method}`;
    return new Promise<ParsedSip>((resolve, reject) => {
      let interval = T1_MS;
      let timer: NodeJS.Timeout;
      const started = performance.now();
      const retransmit = (): void => {
        const entry = this.#pending.get(key);
        if (entry === undefined) return;
        if (performance.now() - started >= TIMEOUT_MS || this.#closed) {
          this.#pending.delete(key);
          reject(new SipLoadError(this.#closed ? 'closed' : 'timeout', `${method} got no final response`));
          return;
        }
        if (!(invite && entry.provisional)) {
          this.retransmissions++;
          this.#send(message);
        }
        interval = invite ? interval * 2 : Math.min(interval * 2, T2_MS);
        timer = setTimeout(retransmit, interval);
      };
      this.#pending.set(key, {
        provisional: false,
        resolve: (response) => {
          clearTimeout(timer);
          this.#pending.delete(key);
          resolve(response);
        },
      });
      this.#send(message);
      timer = setTimeout(retransmit, interval);
    });
  }

  #receive(data: Buffer): void {
    const message = parseSip(data);
    if (message === null) return;
    if (message.status === 0) {
      this.#answerRequest(message);
      return;
    }
    const pending = this.#pending.get(`${message.callId} ${message.method}`);
    if (pending === undefined) {
      // A retransmitted 200 to an INVITE we already answered: our ACK was lost.
      const ack = message.method === 'INVITE' && message.status < 300 ? this.#acks.get(message.callId) : undefined;
      if (ack !== undefined) this.#send(ack);
      return;
    }
    if (message.status < 200) pending.provisional = true;
    else pending.resolve(message);
  }

  #answerRequest(request: ParsedSip): void {
    if (request.method === 'ACK') return;
    if (request.method === 'BYE') {
      const call = this.#calls.get(request.callId);
      if (call !== undefined) {
        call.endedByServer = true;
        this.#calls.delete(request.callId);
        this.#acks.delete(request.callId);
      }
      this.#send(buildResponse(request, call === undefined ? 481 : 200, call === undefined ? 'Call/Transaction Does Not Exist' : 'OK'));
      return;
    }
    this.#send(buildResponse(request, request.method === 'OPTIONS' ? 200 : 405, request.method === 'OPTIONS' ? 'OK' : 'Method Not Allowed'));
  }
}

export interface PlacedCalls {
  /** One entry per requested call: the call, or the error that stopped it. */
  readonly results: readonly (UacCall | SipLoadError)[];
  readonly seconds: number;
}

/** Places `count` calls at `perSecond` calls per second (absolute deadlines), waiting for all outcomes. */
export async function placeCalls(uac: SipLoadUac, count: number, perSecond: number, offer: (index: number) => CallOffer, onAnswered?: (index: number, call: UacCall) => void | Promise<void>): Promise<PlacedCalls> {
  const started = performance.now();
  const gapMs = 1000 / perSecond;
  const outcomes: Promise<UacCall | SipLoadError>[] = [];
  for (let i = 0; i < count; i++) {
    const wait = started + i * gapMs - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    outcomes.push(
      uac.call(offer(i)).then(
        async (call) => {
          await onAnswered?.(i, call);
          return call;
        },
        (error: unknown) => (error instanceof SipLoadError ? error : new SipLoadError('rejected', String(error))),
      ),
    );
  }
  const results = await Promise.all(outcomes);
  return { results, seconds: (performance.now() - started) / 1000 };
}
