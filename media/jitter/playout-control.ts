/**
 * The jitter buffer's adaptive decisions, apart from its sample plumbing: the
 * target delay (a high quantile of recent arrival delays plus a margin,
 * bounded by [minMs, maxMs]), the current playout delay, and per frame
 * whether to play normally, accelerate (shrink the delay) or expand (grow it).
 *
 * Delays are measured against the earliest-arrival line of the stream: a
 * sample with timestamp `ts` could have been played at `reference + ts` at
 * the earliest (the fastest packet of the last 2 s), so the playout delay is
 * `now − reference − playing ts`. Growing is prompt (the quantile rises with
 * the first late packets, underruns stall the timeline at once); shrinking
 * follows the quantile's decay (seconds) and is done a pitch period at a time.
 */
import { DelayEstimator } from './delay-estimator.js';

export type PlayoutDecision = 'normal' | 'accelerate' | 'expand';

export interface PlayoutControlOptions {
  readonly startMs: number;
  readonly minMs: number;
  readonly maxMs: number;
}

/** Safety on top of the delay quantile. */
const MARGIN_MS = 5;
/** The delay quantile the target is set from. */
const QUANTILE = 0.97;
/** Packets, and arrival time they must span, before the buffer trusts its measurements (target, stretching). */
const STARTUP_PACKETS = 25;
const STARTUP_SPAN_MS = 500;
/** Accelerate only when the delay exceeds the target by more than this; never below the target. */
const ACCELERATE_ABOVE_MS = 10;
/** Expand when the delay is this far below the target. */
const EXPAND_BELOW_MS = 2;
/** A missing packet is waited for while the delay stays under this quantile of arrival delays (later ones are rare enough to call lost). */
const WAIT_QUANTILE = 0.995;

export class PlayoutControl {
  readonly minMs: number;
  readonly maxMs: number;
  readonly #estimator: DelayEstimator;
  #targetMs: number;
  #currentMs: number | null = null;

  constructor(options: PlayoutControlOptions) {
    this.minMs = Math.max(0, Math.min(options.minMs, options.maxMs));
    this.maxMs = Math.max(this.minMs, options.maxMs);
    this.#targetMs = this.#clamp(options.startMs);
    this.#estimator = new DelayEstimator({ maxMs: this.maxMs + 100, quantile: QUANTILE });
  }

  get targetMs(): number {
    return this.#targetMs;
  }

  /** The playout delay at the last decision (ms), null while unknown (no packet measured yet). */
  get currentMs(): number | null {
    return this.#currentMs;
  }

  /** One packet arrived at `arrivalMs` with timestamp `tsMs` (ms on the stream's timeline). */
  observe(arrivalMs: number, tsMs: number, packetMs: number): void {
    this.#estimator.observe(arrivalMs, tsMs, packetMs);
    if (this.#measured()) {
      this.#targetMs = this.#clamp(this.#estimator.quantileMs() + MARGIN_MS);
    }
  }

  /** The stream restarted (new SSRC, timestamp jump): its delays need a new reference. */
  restart(): void {
    this.#estimator.restartReference();
    this.#currentMs = null;
  }

  /**
   * Updates the current delay for a frame about to play from `playingTsMs`,
   * and says what to do with it. `canAccelerate`: the audio to drop is
   * already here (never accelerate into a hole).
   */
  decide(nowMs: number, playingTsMs: number, canAccelerate: boolean): PlayoutDecision {
    if (!this.#measured()) {
      this.#currentMs = null;
      return 'normal';
    }
    const current = nowMs - this.#estimator.reference - playingTsMs;
    this.#currentMs = current;
    if (current > this.#targetMs + ACCELERATE_ABOVE_MS && canAccelerate) return 'accelerate';
    if (current < this.#targetMs - EXPAND_BELOW_MS) return 'expand';
    return 'normal';
  }

  /** How much an accelerate may remove (ms) without taking the delay below the target. */
  get excessMs(): number {
    return this.#currentMs === null ? 0 : Math.max(0, this.#currentMs - this.#targetMs);
  }

  /**
   * A packet due at `tsMs` is missing while later ones are here: worth waiting
   * for while it is not yet later than almost every recent packet was.
   */
  worthWaiting(nowMs: number, tsMs: number): boolean {
    if (this.#estimator.count === 0) return false;
    const lateness = nowMs - this.#estimator.reference - tsMs;
    return lateness < Math.min(this.maxMs, this.#estimator.quantileOf(WAIT_QUANTILE) + MARGIN_MS);
  }

  #measured(): boolean {
    return this.#estimator.count >= STARTUP_PACKETS && this.#estimator.spanMs >= STARTUP_SPAN_MS;
  }

  #clamp(ms: number): number {
    return Math.min(this.maxMs, Math.max(this.minMs, ms));
  }
}
