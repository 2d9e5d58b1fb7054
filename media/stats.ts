/**
 * Reception statistics of one RTP source, as RFC 3550 defines them: extended
 * highest sequence number with the §A.1 restart rule, cumulative and interval
 * loss (§A.3), and interarrival jitter (§6.4.1, §A.8). Pure bookkeeping; the
 * leg feeds it arrival times from the media clock.
 */
import type { JitterBufferStats } from './protocol.js';
import type { SenderInfo } from './rtcp-session.js';
import { extendSeq, seqDiff, tsDiff } from './seq.js';

/** RFC 3550 §A.1: a jump larger than this forward, or MAX_MISORDER back, is suspicious. */
const MAX_DROPOUT = 3000;
const MAX_MISORDER = 100;

export interface ReportBlockValues {
  readonly ssrc: number;
  /** Loss since the previous report, as a fixed-point fraction of 256. */
  readonly fractionLost: number;
  /** Expected minus received since the start, clamped to [0, 2^23 - 1]. */
  readonly cumulativeLost: number;
  readonly extendedHighestSeq: number;
  /** Interarrival jitter in timestamp units. */
  readonly jitter: number;
}

export class ReceptionStats {
  readonly #clockRate: number;
  #active = false;
  #ssrc = 0;
  #baseSeq = 0;
  #maxSeq = 0;
  /** Sequence number after a suspicious jump; a packet continuing from it restarts the source. */
  #badSeq = -1;
  #received = 0;
  #expectedPrior = 0;
  #receivedPrior = 0;
  #jitter = 0;
  #lastTs = 0;
  #lastArrivalMs = -1;
  /** Gaps in the sequence (runs of lost packets), for the E-model's burstiness. */
  #lossBursts = 0;

  constructor(clockRate: number) {
    this.#clockRate = clockRate;
  }

  get active(): boolean {
    return this.#active;
  }

  get ssrc(): number {
    return this.#ssrc;
  }

  get received(): number {
    return this.#received;
  }

  /** Interarrival jitter in milliseconds. */
  get jitterMs(): number {
    return (this.#jitter * 1000) / this.#clockRate;
  }

  /** Packets expected so far (highest extended seq − first + 1). */
  get expected(): number {
    return this.#expected();
  }

  /** Runs of consecutive missing sequence numbers seen so far (reordered packets may later fill one). */
  get lossBursts(): number {
    return this.#lossBursts;
  }

  get extendedHighestSeq(): number {
    return this.#maxSeq;
  }

  /** Packets expected but not received so far (never below 0). */
  get lost(): number {
    return Math.max(0, this.#expected() - this.#received);
  }

  /**
   * Counts one packet. `timed` packets also feed the jitter estimate
   * (telephone-event packets repeat their timestamp, so they do not).
   */
  onPacket(ssrc: number, seq: number, ts: number, arrivalMs: number, timed = true): void {
    if (!this.#active || ssrc !== this.#ssrc) {
      this.#restart(ssrc, seq);
    } else {
      const delta = seqDiff(seq, this.#maxSeq & 0xffff);
      if (delta > MAX_DROPOUT || delta < -MAX_MISORDER) {
        if (seq !== this.#badSeq) {
          this.#badSeq = (seq + 1) & 0xffff;
          return;
        }
        // Two in a row continue from the jump: the source restarted its sequence.
        this.#restart(ssrc, seq);
      } else {
        const extended = extendSeq(this.#maxSeq, seq);
        if (extended > this.#maxSeq) {
          if (extended > this.#maxSeq + 1) this.#lossBursts++;
          this.#maxSeq = extended;
        }
      }
    }
    this.#badSeq = -1;
    this.#received++;
    if (timed) this.#updateJitter(ts, arrivalMs);
  }

  /** The values for an RTCP report block; starts a new interval for `fractionLost`. */
  reportBlock(): ReportBlockValues {
    const expected = this.#expected();
    const expectedInterval = expected - this.#expectedPrior;
    const receivedInterval = this.#received - this.#receivedPrior;
    this.#expectedPrior = expected;
    this.#receivedPrior = this.#received;
    const lostInterval = expectedInterval - receivedInterval;
    const fractionLost = expectedInterval === 0 || lostInterval <= 0 ? 0 : Math.floor((lostInterval * 256) / expectedInterval);
    // Clamped at 0: duplicates can make it negative, and rtp.js writes negatives as
    // sign-magnitude rather than RFC 3550's two's complement, so peers would misread them.
    const cumulative = Math.max(0, Math.min(0x7f_ffff, expected - this.#received));
    return {
      ssrc: this.#ssrc,
      fractionLost: Math.min(255, fractionLost),
      cumulativeLost: cumulative,
      extendedHighestSeq: this.#maxSeq >>> 0,
      jitter: Math.floor(this.#jitter) >>> 0,
    };
  }

  #expected(): number {
    return this.#active ? this.#maxSeq - this.#baseSeq + 1 : 0;
  }

  #restart(ssrc: number, seq: number): void {
    this.#active = true;
    this.#ssrc = ssrc;
    // Extended numbers count cycles from 0 (RFC 3550's cycles field starts at 0).
    this.#baseSeq = seq;
    this.#maxSeq = seq;
    this.#received = 0;
    this.#expectedPrior = 0;
    this.#receivedPrior = 0;
    this.#jitter = 0;
    this.#lastArrivalMs = -1;
    this.#lossBursts = 0;
  }

  #updateJitter(ts: number, arrivalMs: number): void {
    if (this.#lastArrivalMs >= 0) {
      // D(i-1, i) = (Rj - Ri) - (Sj - Si), in timestamp units, wrap-safe.
      const d = ((arrivalMs - this.#lastArrivalMs) * this.#clockRate) / 1000 - tsDiff(ts, this.#lastTs);
      this.#jitter += (Math.abs(d) - this.#jitter) / 16;
    }
    this.#lastTs = ts;
    this.#lastArrivalMs = arrivalMs;
  }
}

/** JitterBufferStats of a buffer that does not adapt (before a codec: the configured delay). */
export function fixedJitterBufferStats(delayMs: number): JitterBufferStats {
  return { targetMs: delayMs, currentMs: delayMs, minMs: delayMs, maxMs: delayMs, acceleratedMs: 0, expandedMs: 0, resyncs: 0 };
}

/** Our packets carry no CSRCs or extensions. */
const RTP_HEADER_BYTES = 12;

/** What a leg sent, for LegStats.tx and the sender info of our RTCP SR. */
export class SendCounters {
  packets = 0;
  bytes = 0;
  payloadOctets = 0;
  #lastSentAt = 0;

  count(datagramBytes: number, nowMs: number): void {
    this.packets++;
    this.bytes += datagramBytes;
    this.payloadOctets += datagramBytes - RTP_HEADER_BYTES;
    this.#lastSentAt = nowMs;
  }

  /** SR sender info: the RTP timestamp is the last sent one advanced by the time since (RFC 3550 §6.4.1). */
  senderInfo(stream: { readonly ssrc: number; readonly lastSentTs: number }, clockRate: number, nowMs: number): SenderInfo {
    const elapsedTs = Math.round(((nowMs - this.#lastSentAt) * clockRate) / 1000);
    return { ssrc: stream.ssrc, packets: this.packets, payloadOctets: this.payloadOctets, rtpTimestamp: (stream.lastSentTs + elapsedTs) >>> 0 };
  }
}
