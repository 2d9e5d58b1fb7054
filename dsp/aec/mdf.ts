/**
 * The linear stage of the echo canceller: a two-path multidelay block
 * frequency-domain adaptive filter (MDF, also called PBFDAF).
 *
 * The echo path (`tail` samples) is cut into M partitions of B taps; each
 * block of B samples the far-end reference's spectrum (a 2B-point window,
 * overlap-save) is pushed into a history of M spectra, and the echo estimate
 * is Σⱼ X₍ₜ₋ⱼ₎·Wⱼ. The filter adapts with a per-bin normalised gradient whose
 * learning rate follows Valin's rule: the optimal step is the ratio of the
 * residual echo to the error, estimated from how the error power tracks the
 * echo-estimate power (the "leak"). During double talk the error is mostly
 * near-end speech, the ratio is small, and the filter barely moves.
 *
 * Two filters run side by side (Speex's "two path"): the background filter
 * adapts every block; the foreground filter, which produces the output, is
 * only replaced by the background when the background is significantly
 * better, and the background is reset from the foreground when it diverges.
 * When the output grows louder than the microphone while the far end is
 * active (the echo path changed under a converged filter), both filters are
 * cleared and relearn from the fast initial rate; Speex would wait for its
 * leak estimate to rise, which takes seconds.
 *
 * References:
 * - J.-S. Soo, K. K. Pang, "Multidelay block frequency domain adaptive
 *   filter", IEEE Trans. ASSP 38(2), 1990.
 * - J.-M. Valin, "On adjusting the learning rate in frequency domain echo
 *   cancellation with double-talk", IEEE Trans. ASLP 15(3), 2007.
 * - SpeexDSP `libspeexdsp/mdf.c` (two-path logic, AUMDF constraint,
 *   proportional partition rates); constants below are its float values.
 *
 * Units: samples are floats on the 16-bit scale (±32768). Spectra come from
 * the unnormalised `RealFft`, so a power term is K² times Speex's (which
 * scales its forward FFT by 1/K); regularisers are scaled accordingly.
 */
import { LeakEstimator } from './leak-estimator.js';
import { PartitionedFilter } from './partitioned-filter.js';

/** Speex: the background replaces the foreground when its error is lower by more than these (variance-normalised) margins. */
const VAR1_UPDATE = 0.5;
const VAR2_UPDATE = 0.25;
/** Speex: the background is reset from the foreground when it is worse by this margin. */
const VAR_BACKTRACK = 4;
/** Smoothing of the foreground/background error difference over short (1) and longer (2) windows, per block. */
const DIFF_SMOOTH_1 = 0.6;
const DIFF_SMOOTH_2 = 0.85;
/** Valin's residual-to-error ratio is capped here (a step of at most half the error). */
const MAX_RER = 0.5;
/** Weights of the per-bin and the broadband residual estimates in the adapted learning rate (Speex). */
const BIN_RATE_WEIGHT = 0.7;
const BROADBAND_RATE_WEIGHT = 0.3;
/** Learning rate while the filter has not adapted yet (at most a quarter of the error, Speex). */
const INITIAL_RATE = 0.25;
/** The filter counts as adapted once the summed initial rates exceed M and the leak is above this. */
const ADAPTED_LEAK = 0.03;
/** Far-end mean square (16-bit units², pre-emphasised) below which the initial phase does not adapt: about −75 dBFS. */
const FAR_ACTIVE_MEAN_SQUARE = 31.25;
/** Far-end power smoothing per block is this over M (Speex `ss = .35/M`). */
const POWER_SMOOTH_TOTAL = 0.35;
/** Floor added to the far-end power (Speex: 10 on its 1/K-scaled spectra). */
const POWER_FLOOR = 10;
/** Share of the total step the proportionate rule spreads over partitions; the rest is uniform (Speex `mdf_adjust_prop`). */
const PROP_TOTAL = 0.99;
const PROP_UNIFORM_SHARE = 0.1;
/** Initial partition weights decay as exp(−2.4·j/M) (Speex). */
const PROP_INITIAL_DECAY = 2.4;
/** Speex recomputes the proportions every (20 ms) frame; with shorter blocks we keep that period. */
const PROP_INTERVAL_S = 0.02;
/**
 * Echo-path change: when the output carries more energy than the microphone
 * (by this ratio, averaged over `WATCH_MS` of far-end activity) the filter is
 * subtracting an echo that is no longer there; it is cleared and relearns.
 */
const DIVERGENCE_RATIO = 1.25;
const WATCH_MS = 60;
/** The filter counts as converged once it removes this much of the microphone energy (averaged over `CONVERGED_WINDOW_MS` of far-end activity). */
const CONVERGED_ERLE_DB = 10;
const CONVERGED_WINDOW_MS = 200;

/** True when `value` (a signed energy difference) exceeds `margin` standard deviations, sign kept: v·|v| > margin·σ². */
function significant(value: number, variance: number, margin: number): boolean {
  return value * Math.abs(value) > margin * variance;
}

export interface MdfOptions {
  /** Samples per block (B, a power of two); the FFT is 2B points. */
  readonly blockSize: number;
  /** Partitions (M): the filter spans M·B taps. */
  readonly partitions: number;
  readonly sampleRate: number;
}

/** What one block of the filter produced, read by the residual echo suppressor. */
export interface MdfState {
  /** Fraction of the echo-estimate power that is left in the residual (Valin's η), MIN_LEAK..1. */
  readonly leak: number;
  /** The same per frequency bin (from ~500 Hz bands). */
  readonly binLeak: Float32Array;
  /** True once the filter has converged enough for the leak to be trusted. */
  readonly adapted: boolean;
  /** True once the filter removes at least `CONVERGED_ERLE_DB` of echo; false again after a reset. */
  readonly converged: boolean;
}

export class MdfFilter implements MdfState {
  readonly blockSize: number;
  readonly partitions: number;
  adapted = false;
  converged = false;
  /** Blocks whose adaptation was skipped because the microphone clipped. */
  clippedBlocks = 0;
  /** Times the filter was cleared because its output exceeded its input (echo-path change). */
  divergenceResets = 0;

  /** The partitions and far-end spectra (the canceller shifts them when the bulk delay moves). */
  readonly filter: PartitionedFilter;
  readonly #bins: number;
  readonly #prop: Float32Array;
  /** Smoothed far-end power per bin, and the per-bin step computed from it. */
  readonly #power: Float32Array;
  readonly #step: Float32Array;
  readonly #leak: LeakEstimator;
  readonly #errorSpectrum: Float32Array;
  readonly #echoSpectrum: Float32Array;
  readonly #foregroundEcho: Float32Array;
  readonly #backgroundEcho: Float32Array;
  readonly #backgroundError: Float32Array;
  /** Hann half-window for the foreground → background hand-over. */
  readonly #rampUp: Float32Array;
  readonly #powerSmooth: number;
  /** Blocks between updates of the partition proportions (about 20 ms). */
  readonly #propInterval: number;
  readonly #regulariser: number;
  #sumAdapt = 0;
  #davg1 = 0;
  #davg2 = 0;
  #dvar1 = 0;
  #dvar2 = 0;
  #blocks = 0;
  /** Microphone and output energy over far-active blocks: short (divergence) and longer (convergence) averages. */
  #watchMic = 0;
  #watchOut = 0;
  #convergeMic = 0;
  #convergeOut = 0;
  readonly #watchSmooth: number;
  readonly #convergeSmooth: number;

  constructor(options: MdfOptions) {
    const b = options.blockSize;
    const m = options.partitions;
    this.blockSize = b;
    this.partitions = m;
    this.filter = new PartitionedFilter(b, m);
    this.#bins = b + 1;
    this.#prop = new Float32Array(m);
    this.#power = new Float32Array(this.#bins);
    this.#step = new Float32Array(this.#bins);
    this.#errorSpectrum = new Float32Array(2 * b + 2);
    this.#echoSpectrum = new Float32Array(2 * b + 2);
    this.#foregroundEcho = new Float32Array(b);
    this.#backgroundEcho = new Float32Array(b);
    this.#backgroundError = new Float32Array(b);
    this.#rampUp = new Float32Array(b);
    for (let i = 0; i < b; i++) this.#rampUp[i] = 0.5 - 0.5 * Math.cos((Math.PI * i) / b);
    const k = 2 * b;
    this.#regulariser = k * k;
    this.#powerSmooth = POWER_SMOOTH_TOTAL / m;
    const blockSeconds = b / options.sampleRate;
    this.#propInterval = Math.max(1, Math.round(PROP_INTERVAL_S / blockSeconds));
    this.#leak = new LeakEstimator({ bins: this.#bins, sampleRate: options.sampleRate, blockSeconds, floor: this.#regulariser });
    this.#watchSmooth = Math.exp((-blockSeconds * 1000) / WATCH_MS);
    this.#convergeSmooth = Math.exp((-blockSeconds * 1000) / CONVERGED_WINDOW_MS);
    this.reset();
  }

  get leak(): number {
    return this.#leak.leak;
  }

  get binLeak(): Float32Array {
    return this.#leak.binLeak;
  }

  /** Forgets everything learnt (filters, statistics, far-end history). */
  reset(): void {
    this.filter.reset();
    this.#power.fill(0);
    this.#blocks = 0;
    this.#clearFilter();
  }

  /** Clears both filters and the adaptation statistics; keeps the far-end history and power. */
  #clearFilter(): void {
    this.filter.clearFilters();
    this.#leak.reset();
    this.adapted = false;
    this.converged = false;
    this.#sumAdapt = 0;
    this.#davg1 = this.#davg2 = this.#dvar1 = this.#dvar2 = 0;
    this.#watchMic = this.#watchOut = this.#convergeMic = this.#convergeOut = 0;
    const m = this.partitions;
    const decay = Math.exp(-PROP_INITIAL_DECAY / m);
    let sum = 0;
    for (let j = 0; j < m; j++) {
      this.#prop[j] = decay ** j;
      sum += decay ** j;
    }
    for (let j = 0; j < m; j++) this.#prop[j] = ((this.#prop[j] as number) * 0.8) / sum;
  }

  /**
   * One block: `far` is the (aligned, pre-emphasised) reference, `near` the
   * microphone block (DC-free, pre-emphasised). Writes the echo estimate the
   * output should subtract into `echo` (length B). `clipped` skips adaptation.
   */
  process(far: Float32Array, near: Float32Array, echo: Float32Array, clipped: boolean): void {
    const b = this.blockSize;
    this.#blocks++;
    this.filter.pushFar(far);
    let sxx = 0;
    for (let i = 0; i < b; i++) sxx += (far[i] as number) ** 2;

    const fgEcho = this.#foregroundEcho;
    const bgEcho = this.#backgroundEcho;
    const bgError = this.#backgroundError;
    this.filter.filterBoth(fgEcho, bgEcho);
    let sff = 0;
    let see = 0;
    let dbf = 10;
    for (let i = 0; i < b; i++) {
      const nearSample = near[i] as number;
      const fg = fgEcho[i] as number;
      const bg = bgEcho[i] as number;
      sff += (nearSample - fg) ** 2;
      see += (nearSample - bg) ** 2;
      dbf += (fg - bg) ** 2;
      bgError[i] = nearSample - bg;
    }
    see = this.#twoPath(sff, see, dbf, near, echo);
    if (sxx > FAR_ACTIVE_MEAN_SQUARE * b && this.#watch(near, echo)) return;

    if (clipped) {
      this.clippedBlocks++;
      return;
    }
    this.#adapt(sxx, see);
  }

  /**
   * Speex's foreground/background decision. Writes the output echo estimate
   * into `echo` and returns the background error energy to adapt with.
   */
  #twoPath(sff: number, see: number, dbf: number, near: Float32Array, echo: Float32Array): number {
    const b = this.blockSize;
    const fgEcho = this.#foregroundEcho;
    const bgEcho = this.#backgroundEcho;
    const diff = sff - see;
    this.#davg1 = DIFF_SMOOTH_1 * this.#davg1 + (1 - DIFF_SMOOTH_1) * diff;
    this.#davg2 = DIFF_SMOOTH_2 * this.#davg2 + (1 - DIFF_SMOOTH_2) * diff;
    this.#dvar1 = DIFF_SMOOTH_1 ** 2 * this.#dvar1 + (1 - DIFF_SMOOTH_1) ** 2 * sff * dbf;
    this.#dvar2 = DIFF_SMOOTH_2 ** 2 * this.#dvar2 + (1 - DIFF_SMOOTH_2) ** 2 * sff * dbf;
    const backgroundBetter =
      significant(diff, sff * dbf, 1) || significant(this.#davg1, this.#dvar1, VAR1_UPDATE) || significant(this.#davg2, this.#dvar2, VAR2_UPDATE);
    if (backgroundBetter) {
      this.filter.foreground.set(this.filter.background);
      this.#davg1 = this.#davg2 = this.#dvar1 = this.#dvar2 = 0;
      // Hand over smoothly so the switch does not click.
      const ramp = this.#rampUp;
      for (let i = 0; i < b; i++) echo[i] = (1 - (ramp[i] as number)) * (fgEcho[i] as number) + (ramp[i] as number) * (bgEcho[i] as number);
      return see;
    }
    for (let i = 0; i < b; i++) echo[i] = fgEcho[i] as number;
    const backgroundWorse =
      significant(-diff, sff * dbf, VAR_BACKTRACK) ||
      significant(-this.#davg1, this.#dvar1, VAR_BACKTRACK) ||
      significant(-this.#davg2, this.#dvar2, VAR_BACKTRACK);
    if (!backgroundWorse) return see;
    this.filter.background.set(this.filter.foreground);
    for (let i = 0; i < b; i++) {
      bgEcho[i] = fgEcho[i] as number;
      this.#backgroundError[i] = (near[i] as number) - (fgEcho[i] as number);
    }
    this.#davg1 = this.#davg2 = this.#dvar1 = this.#dvar2 = 0;
    return sff;
  }

  /**
   * Tracks how much of the microphone energy the output removes while the far
   * end is active: sets `converged`, and clears the filter (returning true)
   * when the output has become louder than the microphone.
   */
  #watch(near: Float32Array, echo: Float32Array): boolean {
    let mic = 0;
    let out = 0;
    for (let i = 0; i < this.blockSize; i++) {
      const n = near[i] as number;
      mic += n * n;
      out += (n - (echo[i] as number)) ** 2;
    }
    const w = this.#watchSmooth;
    this.#watchMic = w * this.#watchMic + (1 - w) * mic;
    this.#watchOut = w * this.#watchOut + (1 - w) * out;
    const c = this.#convergeSmooth;
    this.#convergeMic = c * this.#convergeMic + (1 - c) * mic;
    this.#convergeOut = c * this.#convergeOut + (1 - c) * out;
    if (this.adapted && this.#convergeMic > 10 ** (CONVERGED_ERLE_DB / 10) * this.#convergeOut) this.converged = true;
    if (this.#watchOut <= DIVERGENCE_RATIO * this.#watchMic) return false;
    this.divergenceResets++;
    this.#clearFilter();
    return true;
  }

  /** Valin's learning rate, then the gradient step on the background filter and the AUMDF constraint. */
  #adapt(sxx: number, see: number): void {
    const b = this.blockSize;
    const m = this.partitions;
    const bins = this.#bins;
    const bgEcho = this.#backgroundEcho;
    const bgError = this.#backgroundError;
    let sey = 0;
    let syy = 0;
    for (let i = 0; i < b; i++) {
      sey += (bgError[i] as number) * (bgEcho[i] as number);
      syy += (bgEcho[i] as number) ** 2;
    }
    // Spectra of the zero-padded error and echo estimate (the second half of the window).
    const filter = this.filter;
    const time = filter.time;
    time.fill(0, 0, b);
    time.set(bgError, b);
    const errorSpectrum = this.#errorSpectrum;
    filter.fft.forward(time, errorSpectrum);
    time.set(bgEcho, b);
    const echoSpectrum = this.#echoSpectrum;
    filter.fft.forward(time, echoSpectrum);

    const power = this.#power;
    const ss = this.#powerSmooth;
    const reg = this.#regulariser;
    for (let k = 0; k < bins; k++) {
      power[k] = (1 - ss) * (power[k] as number) + ss * filter.farPower(k) + reg;
    }
    this.#leak.update(errorSpectrum, echoSpectrum, syy, see);

    // Residual-to-error ratio (Valin eq. 19), bounded below by the echo still visible in the error.
    let rer = (1e-4 * sxx + 3 * this.leak * syy) / (see + 1);
    rer = Math.min(MAX_RER, Math.max(rer, (sey * sey) / (1 + see * syy)));
    if (!this.adapted && this.#sumAdapt > m && this.leak > ADAPTED_LEAK) this.adapted = true;

    const step = this.#step;
    if (this.adapted) {
      for (let k = 0; k < bins; k++) {
        const e = (errorSpectrum[2 * k] as number) ** 2 + (errorSpectrum[2 * k + 1] as number) ** 2 + reg;
        const yf = (echoSpectrum[2 * k] as number) ** 2 + (echoSpectrum[2 * k + 1] as number) ** 2;
        const r = BIN_RATE_WEIGHT * Math.min(this.leak * yf, 0.5 * e) + BROADBAND_RATE_WEIGHT * rer * e;
        step[k] = r / (e * ((power[k] as number) + POWER_FLOOR * reg));
      }
    } else {
      const rate = sxx > FAR_ACTIVE_MEAN_SQUARE * b ? (INITIAL_RATE * Math.min(sxx, see)) / (see + 1) : 0;
      for (let k = 0; k < bins; k++) step[k] = rate / ((power[k] as number) + POWER_FLOOR * reg);
      this.#sumAdapt += rate;
    }
    if (this.adapted && this.#blocks % this.#propInterval === 0) this.#adjustProportions();
    filter.gradientStep(errorSpectrum, step, this.#prop);
    this.#constrain();
  }

  /** Proportionate step across partitions: larger where the filter has more energy (Speex `mdf_adjust_prop`). */
  #adjustProportions(): void {
    const m = this.partitions;
    const prop = this.#prop;
    let max = 1;
    for (let j = 0; j < m; j++) {
      prop[j] = Math.sqrt(1 + this.filter.partitionEnergy(j));
      if ((prop[j] as number) > max) max = prop[j] as number;
    }
    let sum = 1;
    for (let j = 0; j < m; j++) {
      prop[j] = (prop[j] as number) + PROP_UNIFORM_SHARE * max;
      sum += prop[j] as number;
    }
    for (let j = 0; j < m; j++) prop[j] = (PROP_TOTAL * (prop[j] as number)) / sum;
  }

  /**
   * Keeps each partition a linear (not circular) convolution by zeroing the
   * second half of its impulse response. AUMDF: partition 0 every block,
   * one other partition in turn (Speex), which saves 2(M−2) FFTs per block.
   */
  #constrain(): void {
    const m = this.partitions;
    const other = m > 1 ? 1 + (this.#blocks % (m - 1)) : 0;
    this.filter.constrain(0);
    if (other !== 0) this.filter.constrain(other);
  }


}
