/**
 * Acoustic echo canceller for one leg: takes the far-end reference (what the
 * leg's loudspeaker plays) and the near-end capture (its microphone), and
 * returns the capture with the echo of the far end removed.
 *
 *   far ─► pre-emphasis ─► delay line ─(aligned by the delay estimator)─┐
 *   near ─► DC block ─► pre-emphasis ─► MDF adaptive filter (mdf.ts) ──►│
 *          ─► de-emphasis ─► residual echo suppressor ─► out             │
 *   far, near ─► GCC-PHAT delay estimator (delay-estimator.ts) ──────────┘
 *
 * Blocks of B ≈ 4 ms (a power of two: 32 at 8 kHz, 64 at 16 kHz, 256 at
 * 48 kHz) run through the adaptive filter; frames of any length are fed
 * through small FIFOs. Output latency is `latencySamples`: one block for the
 * suppressor's overlap-add, plus one more when the frame size is not a
 * multiple of the block (24 and 48 kHz with 20 ms frames).
 *
 * A pure processor: no timers, no logging; `process()` allocates nothing and
 * never throws (mismatched lengths are counted and the capture passes through).
 */
import { DelayEstimator } from './delay-estimator.js';
import { MdfFilter } from './mdf.js';
import { ResidualEchoSuppressor } from './residual-echo-suppressor.js';

export const AEC_RATES = [8000, 16000, 24000, 32000, 48000] as const;
export const DEFAULT_TAIL_MS = 128;
/** Longest far-to-microphone bulk delay searched by default; 0 turns the search off. */
export const DEFAULT_MAX_DELAY_MS = 250;
/** Target block length; the block is the nearest power of two in samples. */
const BLOCK_MS = 4;
/** Pre-emphasis y[n] = x[n] − 0.9·x[n−1] whitens speech for faster adaptation (Speex). */
const PREEMPHASIS = 0.9;
/** One-pole DC blocker on the capture: DC would otherwise bias adaptation. */
const DC_CUTOFF_HZ = 20;
/** A capture sample this loud means the microphone clipped: adaptation pauses for that block. */
const CLIP_LEVEL = 32000;
/** After a delay estimate, the filter starts this long before the estimated echo onset (room for estimation error and the direct path). */
const ALIGN_LEAD_MS = 8;
/** The alignment is kept while the estimated onset stays between these distances into the filter. */
const ALIGN_MIN_LEAD_MS = 2;
const ALIGN_MAX_LEAD_FRACTION = 0.25;
/** Smoothing of the reported ERLE (per block). */
const ERLE_SMOOTH = 0.98;

export interface EchoCancellerOptions {
  /** One of `AEC_RATES`. */
  readonly sampleRate: number;
  /** Echo tail the adaptive filter covers, after the bulk delay (default 128 ms). */
  readonly tailMs?: number;
  /** Longest bulk delay searched (default 250 ms, at most 400; 0: no search, the filter starts at zero delay). */
  readonly maxDelayMs?: number;
  /** Samples per `process()` call, to size the FIFOs (default 20 ms). */
  readonly frameSize?: number;
  /** Run the residual echo suppressor (default true). */
  readonly suppression?: boolean;
}

export interface EchoCancellerStats {
  /** Adaptive-filter blocks run. */
  blocks: number;
  /** Far-end alignment in samples (the bulk delay the filter is placed at). */
  alignmentSamples: number;
  realignments: number;
  /** Echo return loss enhancement of the linear filter (smoothed, dB) while the far end is active. */
  erleDb: number;
  /** Fraction of echo power left by the linear filter (Valin's leak). */
  leak: number;
  adapted: boolean;
  /** Calls whose far/near/out lengths did not match (the capture passed through). */
  rejectedFrames: number;
  /** Blocks whose adaptation was skipped because the capture clipped. */
  clippedBlocks: number;
}

export class EchoCanceller {
  readonly sampleRate: number;
  readonly blockSize: number;
  /** Delay from a capture sample going in to its cleaned sample coming out. */
  readonly latencySamples: number;
  readonly stats: EchoCancellerStats;
  readonly #mdf: MdfFilter;
  readonly #suppressor: ResidualEchoSuppressor | null;
  readonly #estimator: DelayEstimator | null;
  readonly #maxLeadSamples: number;
  /** Pre-emphasised far end, newest at `#farWrite - 1` (a power-of-two ring). */
  readonly #farRing: Float32Array;
  /** Raw far end, same positions (the suppressor's stand-in echo before adaptation). */
  readonly #rawFarRing: Float32Array;
  readonly #ringMask: number;
  #farWrite = 0;
  readonly #farIn: Float32Array;
  readonly #nearIn: Float32Array;
  #inFill = 0;
  readonly #outFifo: Float32Array;
  #outRead = 0;
  #outCount = 0;
  readonly #farBlock: Float32Array;
  readonly #rawFarBlock: Float32Array;
  readonly #nearBlock: Float32Array;
  readonly #cleanNear: Float32Array;
  readonly #echoBlock: Float32Array;
  readonly #errorBlock: Float32Array;
  readonly #outBlock: Float32Array;
  readonly #dcPole: number;
  #dcIn = 0;
  #dcOut = 0;
  #farPrev = 0;
  #nearPrev = 0;
  #deemphasis = 0;
  #nearPower = 0;
  #errorPower = 0;
  readonly #prefill: number;
  readonly #frameSize: number;

  constructor(options: EchoCancellerOptions) {
    const rate = options.sampleRate;
    if (!(AEC_RATES as readonly number[]).includes(rate)) throw new RangeError(`echo canceller rate ${rate} Hz is not one of ${AEC_RATES.join(', ')}`);
    const tailMs = options.tailMs ?? DEFAULT_TAIL_MS;
    if (!(tailMs >= 8 && tailMs <= 1000)) throw new RangeError(`echo tail ${tailMs} ms is not within 8..1000`);
    const maxDelayMs = options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS;
    if (!(maxDelayMs >= 0 && maxDelayMs <= 400)) throw new RangeError(`echo max delay ${maxDelayMs} ms is not within 0..400`);
    const b = 2 ** Math.round(Math.log2((rate * BLOCK_MS) / 1000));
    const frameSize = options.frameSize ?? rate / 50;
    if (!(Number.isInteger(frameSize) && frameSize > 0)) throw new RangeError(`echo canceller frame size ${frameSize} is not a positive integer`);
    this.sampleRate = rate;
    this.blockSize = b;
    const partitions = Math.ceil((tailMs * rate) / 1000 / b);
    this.#mdf = new MdfFilter({ blockSize: b, partitions, sampleRate: rate });
    const suppression = options.suppression ?? true;
    this.#suppressor = suppression ? new ResidualEchoSuppressor({ blockSize: b, sampleRate: rate }) : null;
    this.#estimator = maxDelayMs > 0 ? new DelayEstimator({ sampleRate: rate, maxDelayMs }) : null;
    this.#maxLeadSamples = Math.max(2 * b, Math.floor(partitions * b * ALIGN_MAX_LEAD_FRACTION));
    const ringNeed = (this.#estimator?.maxDelaySamples ?? 0) + (partitions + 3) * b;
    const ringSize = 2 ** Math.ceil(Math.log2(ringNeed));
    this.#farRing = new Float32Array(ringSize);
    this.#rawFarRing = new Float32Array(ringSize);
    this.#ringMask = ringSize - 1;
    this.#farIn = new Float32Array(b);
    this.#nearIn = new Float32Array(b);
    this.#frameSize = frameSize;
    this.#prefill = frameSize % b === 0 ? 0 : b;
    this.#outFifo = new Float32Array(frameSize + 3 * b);
    this.latencySamples = this.#prefill + (suppression ? b : 0);
    this.#farBlock = new Float32Array(b);
    this.#rawFarBlock = new Float32Array(b);
    this.#nearBlock = new Float32Array(b);
    this.#cleanNear = new Float32Array(b);
    this.#echoBlock = new Float32Array(b);
    this.#errorBlock = new Float32Array(b);
    this.#outBlock = new Float32Array(b);
    this.#dcPole = Math.exp((-2 * Math.PI * DC_CUTOFF_HZ) / rate);
    this.stats = { blocks: 0, alignmentSamples: 0, realignments: 0, erleDb: 0, leak: 1, adapted: false, rejectedFrames: 0, clippedBlocks: 0 };
    this.reset();
  }

  /**
   * Cancels echo of `far` (what was played) from `near` (what was captured at
   * the same time) into `out`. All three must have the same length.
   */
  process(far: Int16Array, near: Int16Array, out: Int16Array): void {
    const length = near.length;
    if (far.length !== length || out.length !== length) {
      this.stats.rejectedFrames++;
      const n = Math.min(near.length, out.length);
      for (let i = 0; i < n; i++) out[i] = near[i] as number;
      return;
    }
    // Whole frames go in before any output is taken, so frames that are a
    // multiple of the block come out with no FIFO delay.
    for (let start = 0; start < length; start += this.#frameSize) {
      const end = Math.min(length, start + this.#frameSize);
      for (let i = start; i < end; i++) {
        this.#farIn[this.#inFill] = far[i] as number;
        this.#nearIn[this.#inFill] = near[i] as number;
        if (++this.#inFill === this.blockSize) {
          this.#inFill = 0;
          this.#block();
        }
      }
      this.#popOut(out, start, end);
    }
  }

  /** Forgets the echo path and all history (a new call on the same object). */
  reset(): void {
    this.#mdf.reset();
    this.#suppressor?.reset();
    this.#estimator?.reset();
    this.#farRing.fill(0);
    this.#rawFarRing.fill(0);
    this.#farWrite = 0;
    this.#inFill = 0;
    this.#outFifo.fill(0);
    this.#outRead = 0;
    this.#outCount = this.#prefill;
    this.#dcIn = this.#dcOut = this.#farPrev = this.#nearPrev = this.#deemphasis = 0;
    this.#nearPower = this.#errorPower = 0;
    Object.assign(this.stats, { blocks: 0, alignmentSamples: 0, realignments: 0, erleDb: 0, leak: 1, adapted: false, rejectedFrames: 0, clippedBlocks: 0 });
  }

  #block(): void {
    const b = this.blockSize;
    const farIn = this.#farIn;
    const nearIn = this.#nearIn;
    const nearBlock = this.#nearBlock;
    const clean = this.#cleanNear;
    const mask = this.#ringMask;
    let clipped = false;
    for (let i = 0; i < b; i++) {
      const f = farIn[i] as number;
      this.#farRing[this.#farWrite & mask] = f - PREEMPHASIS * this.#farPrev;
      this.#rawFarRing[this.#farWrite & mask] = f;
      this.#farWrite++;
      this.#farPrev = f;
      const n = nearIn[i] as number;
      if (n >= CLIP_LEVEL || n <= -CLIP_LEVEL) clipped = true;
      this.#dcOut = n - this.#dcIn + this.#dcPole * this.#dcOut;
      this.#dcIn = n;
      clean[i] = this.#dcOut;
      nearBlock[i] = this.#dcOut - PREEMPHASIS * this.#nearPrev;
      this.#nearPrev = this.#dcOut;
    }
    const alignment = this.stats.alignmentSamples;
    this.#readFar(this.#farRing, this.#farWrite - alignment - b, this.#farBlock);
    this.#readFar(this.#rawFarRing, this.#farWrite - alignment - b, this.#rawFarBlock);

    const mdf = this.#mdf;
    const echo = this.#echoBlock;
    const error = this.#errorBlock;
    mdf.process(this.#farBlock, nearBlock, echo, clipped);
    let nearEnergy = 0;
    let errorEnergy = 0;
    for (let i = 0; i < b; i++) {
      const e = (nearBlock[i] as number) - (echo[i] as number);
      nearEnergy += (nearBlock[i] as number) ** 2;
      errorEnergy += e * e;
      // De-emphasis back to the capture's spectrum; the echo estimate in that domain is what was removed.
      this.#deemphasis = e + PREEMPHASIS * this.#deemphasis;
      error[i] = this.#deemphasis;
      echo[i] = (clean[i] as number) - this.#deemphasis;
    }
    this.#updateStats(nearEnergy, errorEnergy);

    const out = this.#outBlock;
    if (this.#suppressor) this.#suppressor.process(error, echo, this.#rawFarBlock, mdf, out);
    else out.set(error);
    this.#pushOut(out);

    if (this.#estimator?.push(farIn, nearIn, b)) this.#realign(this.#estimator.delaySamples);
  }

  #updateStats(nearEnergy: number, errorEnergy: number): void {
    const stats = this.stats;
    stats.blocks++;
    stats.leak = this.#mdf.leak;
    stats.adapted = this.#mdf.adapted;
    stats.clippedBlocks = this.#mdf.clippedBlocks;
    this.#nearPower = ERLE_SMOOTH * this.#nearPower + (1 - ERLE_SMOOTH) * nearEnergy;
    this.#errorPower = ERLE_SMOOTH * this.#errorPower + (1 - ERLE_SMOOTH) * errorEnergy;
    if (this.#errorPower > 0 && this.#nearPower > 0) stats.erleDb = 10 * Math.log10(this.#nearPower / this.#errorPower);
  }

  #popOut(out: Int16Array, start: number, end: number): void {
    const fifo = this.#outFifo;
    for (let i = start; i < end; i++) {
      let sample = 0;
      if (this.#outCount > 0) {
        sample = fifo[this.#outRead] as number;
        this.#outRead = (this.#outRead + 1) % fifo.length;
        this.#outCount--;
      }
      out[i] = sample > 32767 ? 32767 : sample < -32768 ? -32768 : Math.round(sample);
    }
  }

  #pushOut(block: Float32Array): void {
    const fifo = this.#outFifo;
    let write = (this.#outRead + this.#outCount) % fifo.length;
    for (let i = 0; i < block.length; i++) {
      if (this.#outCount === fifo.length) return; // Cannot happen: at most a frame plus two blocks are queued.
      fifo[write] = block[i] as number;
      write = (write + 1) % fifo.length;
      this.#outCount++;
    }
  }

  #readFar(ring: Float32Array, start: number, out: Float32Array): void {
    const mask = this.#ringMask;
    for (let i = 0; i < out.length; i++) out[i] = ring[(start + i) & mask] as number;
  }

  /** Moves the filter to a new bulk delay when the estimate left the current window. */
  #realign(delay: number): void {
    const b = this.blockSize;
    const current = this.stats.alignmentSamples;
    const lead = delay - current;
    const minLead = (ALIGN_MIN_LEAD_MS * this.sampleRate) / 1000;
    if (lead >= minLead && lead <= this.#maxLeadSamples) return;
    const target = Math.max(0, Math.floor((delay - (ALIGN_LEAD_MS * this.sampleRate) / 1000) / b) * b);
    if (target === current) return;
    this.#mdf.filter.shift((target - current) / b);
    this.stats.alignmentSamples = target;
    this.stats.realignments++;
    const ring = this.#farRing;
    this.#mdf.filter.loadHistory((age, window) => this.#readFar(ring, this.#farWrite - target - (age + 2) * b, window));
  }
}
