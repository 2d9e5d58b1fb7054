/**
 * Reliable provisional responses, UAS side (RFC 3262 §3), used when the
 * caller's INVITE says `Require: 100rel`: each 18x carries RSeq and
 * `Require: 100rel` and is retransmitted (from T1, doubling) until the PRACK
 * that names it arrives. One is outstanding at a time (§3: "the UAS MUST NOT
 * send a second reliable provisional response until the first is
 * acknowledged"); a later one waits, and only the latest waiting is kept.
 * With no PRACK within 64*T1 the INVITE is rejected (`onGiveUp`).
 */
import { parseDigits } from './headers/chars.js';
import { headerValue, type SipRequest } from './message.js';
import type { StackContext } from './stack-context.js';
import type { Destination } from './transport.js';
import { TwoXxRetransmitter } from './two-xx-retransmitter.js';

interface Outstanding {
  readonly rseq: number;
  readonly hasSdp: boolean;
  readonly retransmitter: TwoXxRetransmitter;
}

export interface RAck {
  readonly rseq: number;
  readonly cseq: number;
  readonly method: string;
}

/** `RAck: 776656 1 INVITE`; null when malformed. */
export function readRAck(request: SipRequest): RAck | null {
  const parts = (headerValue(request.headers, 'rack') ?? '').trim().split(/\s+/);
  const rseq = parseDigits(parts[0] ?? '', 10);
  const cseq = parseDigits(parts[1] ?? '', 10);
  const method = parts[2];
  return rseq === null || cseq === null || method === undefined || parts.length !== 3 ? null : { rseq, cseq, method };
}

export class ReliableProvisionals {
  /** §3: "The value of the header field for the first reliable provisional response in a transaction MUST be between 1 and 2**31 - 1." */
  #nextRSeq = 1 + Math.floor(Math.random() * 0x3fffffff);
  #outstanding: Outstanding | null = null;
  #waiting: (() => void) | null = null;
  #settledWaiters: Array<() => void> = [];
  #stopped = false;

  constructor(
    private readonly ctx: StackContext,
    private readonly destination: Destination,
    private readonly inviteCSeq: number,
    /** Hands the first copy to the INVITE server transaction. */
    private readonly respond: (status: number, data: Buffer) => void,
    private readonly onGiveUp: () => void,
  ) {}

  /** True while a provisional with SDP waits for its PRACK (a 2xx must wait too, §3). */
  get sdpUnacknowledged(): boolean {
    return this.#outstanding?.hasSdp === true;
  }

  /** Sends (or queues) a reliable provisional; `build(rseq)` makes its bytes. */
  send(status: number, hasSdp: boolean, build: (rseq: number) => Buffer): void {
    if (this.#stopped) return;
    if (this.#outstanding !== null) {
      this.#waiting = () => this.send(status, hasSdp, build);
      return;
    }
    const rseq = this.#nextRSeq++;
    const data = build(rseq);
    const retransmitter = new TwoXxRetransmitter(
      () => this.ctx.sendResponse(data, this.destination),
      this.ctx.scheduler,
      this.ctx.timers,
      this.destination.transport !== 'udp',
      () => {
        this.stop();
        this.onGiveUp();
      },
    );
    this.#outstanding = { rseq, hasSdp, retransmitter };
    this.respond(status, data);
    retransmitter.start();
  }

  /** A PRACK: true when it acknowledges the outstanding provisional (then answered 200 by the caller). */
  prack(rack: RAck): boolean {
    const outstanding = this.#outstanding;
    if (outstanding === null || rack.method !== 'INVITE' || rack.cseq !== this.inviteCSeq || rack.rseq !== outstanding.rseq) return false;
    outstanding.retransmitter.stop();
    this.#outstanding = null;
    const waiting = this.#waiting;
    this.#waiting = null;
    waiting?.();
    if (!this.sdpUnacknowledged) this.#releaseSettled();
    return true;
  }

  /** Resolves once no provisional with SDP is unacknowledged (at once if none). */
  settled(): Promise<void> {
    if (!this.sdpUnacknowledged) return Promise.resolve();
    return new Promise((resolve) => this.#settledWaiters.push(resolve));
  }

  /** A final response went out (§3: retransmissions stop), or the call is over. */
  stop(): void {
    this.#stopped = true;
    this.#outstanding?.retransmitter.stop();
    this.#outstanding = null;
    this.#waiting = null;
    this.#releaseSettled();
  }

  #releaseSettled(): void {
    const waiters = this.#settledWaiters;
    this.#settledWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
