/**
 * Arrival-delay statistics for the adaptive jitter buffer, after WebRTC
 * NetEq's DelayManager: each packet's relative transit `r = arrival − ts`
 * (both in ms) is compared with the smallest `r` of the last two seconds, so
 * `r − min` is how much later than the fastest recent packet it came. Those
 * delays go into a histogram whose old mass decays exponentially (time
 * constant FORGET_MS), and the target playout delay is a high quantile of it.
 *
 * Referencing the windowed minimum rather than the first packet keeps the
 * estimate right when the first packet was itself late, and lets a slow clock
 * drift (sender ±1 %) pass: the minimum follows it within the window.
 * Pure: no timers, no allocation per packet.
 */

/** The reference minimum covers this much of the recent past. */
const MIN_WINDOW_MS = 2000;
/** The minimum is kept per bucket; the window is BUCKETS buckets. */
const BUCKETS = 8;
const BUCKET_MS = MIN_WINDOW_MS / BUCKETS;
/** Histogram resolution. */
const BIN_MS = 1;
/** Old observations fade with this time constant (counted in packet time): a calmer network shows within seconds. */
const FORGET_MS = 1500;
/** Renormalise the growing weight before it loses precision. */
const WEIGHT_LIMIT = 1e200;

export interface DelayEstimatorOptions {
  /** Largest delay the histogram records (ms); larger ones count in the top bin. */
  readonly maxMs: number;
  /** Quantile of the delay distribution the target is taken from (0.95–0.97 is NetEq's range). */
  readonly quantile: number;
}

export class DelayEstimator {
  readonly #quantile: number;
  readonly #bins: Float64Array;
  readonly #bucketMin = new Float64Array(BUCKETS).fill(Number.POSITIVE_INFINITY);
  #bucketIndex = -1;
  /** Weight of the next observation; grows by 1/forget per packet so older ones fade. */
  #weight = 1;
  #total = 0;
  #count = 0;
  #dirty = false;
  #cached = 0;
  #lastDelay = 0;
  #firstArrival = 0;
  #lastArrival = 0;

  constructor(options: DelayEstimatorOptions) {
    this.#quantile = options.quantile;
    this.#bins = new Float64Array(Math.ceil(options.maxMs / BIN_MS) + 1);
  }

  /** Packets observed since the last `reset`/`restartReference`. */
  get count(): number {
    return this.#count;
  }

  /** Milliseconds of arrivals observed since the last restart (a burst read at once spans nothing). */
  get spanMs(): number {
    return this.#count === 0 ? 0 : this.#lastArrival - this.#firstArrival;
  }

  /** The smallest relative transit of the window (ms); +Infinity before the first packet. */
  get reference(): number {
    let min = Number.POSITIVE_INFINITY;
    for (let i = 0; i < BUCKETS; i++) min = Math.min(min, this.#bucketMin[i] ?? Number.POSITIVE_INFINITY);
    return min;
  }

  /** The delay of the last packet above the reference (ms). */
  get lastDelayMs(): number {
    return this.#lastDelay;
  }

  /**
   * Records one packet: `arrivalMs` on the receiver's clock, `tsMs` its
   * (extended) RTP timestamp in ms, `packetMs` its duration (sets the decay).
   */
  observe(arrivalMs: number, tsMs: number, packetMs: number): void {
    const r = arrivalMs - tsMs;
    if (this.#count === 0) this.#firstArrival = arrivalMs;
    this.#lastArrival = arrivalMs;
    const bucket = Math.floor(arrivalMs / BUCKET_MS);
    if (bucket !== this.#bucketIndex) {
      // Clear the buckets that slid out of the window (all of them after a long pause).
      const steps = this.#bucketIndex < 0 ? BUCKETS : Math.min(BUCKETS, bucket - this.#bucketIndex);
      for (let s = 1; s <= steps; s++) this.#bucketMin[(((this.#bucketIndex + s) % BUCKETS) + BUCKETS) % BUCKETS] = Number.POSITIVE_INFINITY;
      this.#bucketIndex = bucket;
    }
    const slot = ((bucket % BUCKETS) + BUCKETS) % BUCKETS;
    this.#bucketMin[slot] = Math.min(this.#bucketMin[slot] ?? r, r);
    const delay = Math.max(0, r - this.reference);
    this.#lastDelay = delay;
    const bin = Math.min(this.#bins.length - 1, Math.round(delay / BIN_MS));
    this.#bins[bin] = (this.#bins[bin] ?? 0) + this.#weight;
    this.#total += this.#weight;
    this.#weight /= Math.exp(-Math.max(1, packetMs) / FORGET_MS);
    if (this.#weight > WEIGHT_LIMIT) this.#renormalise();
    this.#count++;
    this.#dirty = true;
  }

  /** The configured quantile of the recent delays (ms); 0 before any packet. */
  quantileMs(): number {
    if (!this.#dirty) return this.#cached;
    this.#dirty = false;
    this.#cached = this.quantileOf(this.#quantile);
    return this.#cached;
  }

  /** Any quantile of the recent delays (ms). */
  quantileOf(q: number): number {
    const goal = q * this.#total;
    let sum = 0;
    let bin = 0;
    for (; bin < this.#bins.length - 1; bin++) {
      sum += this.#bins[bin] ?? 0;
      if (sum >= goal) break;
    }
    return this.#total > 0 ? bin * BIN_MS : 0;
  }

  /** A new stream (SSRC change, timestamp jump): its timeline has a new reference; the network's history stays. */
  restartReference(): void {
    this.#bucketMin.fill(Number.POSITIVE_INFINITY);
    this.#bucketIndex = -1;
    this.#count = 0;
  }

  #renormalise(): void {
    const scale = 1 / this.#weight;
    for (let i = 0; i < this.#bins.length; i++) this.#bins[i] = (this.#bins[i] ?? 0) * scale;
    this.#total *= scale;
    this.#weight = 1;
  }
}
