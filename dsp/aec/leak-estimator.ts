/**
 * How much echo the adaptive filter leaves behind: Valin's "leak" η, the
 * slope of a recursive linear regression of the error power's fluctuations
 * on the echo estimate's power fluctuations. Near-end speech is uncorrelated
 * with the echo estimate, so it does not bias the slope; the update rate is
 * scaled by the echo-to-error energy ratio, so double talk barely moves it.
 *
 * Besides the broadband η (which sets the filter's learning rate, as in
 * Speex), the same regression runs per band of ~500 Hz: the residual of a
 * non-linear loudspeaker or of a partly converged filter is far from evenly
 * spread, and the residual echo suppressor needs it bin by bin.
 *
 * Reference: J.-M. Valin, "On adjusting the learning rate in frequency domain
 * echo cancellation with double-talk", IEEE Trans. ASLP 15(3), 2007, §IV;
 * SpeexDSP `mdf.c` (Pey/Pyy recursion, bounds, update rate).
 */

/** The leak never goes below this (about −23 dB): Speex `MIN_LEAK`. */
export const MIN_LEAK = 0.005;
/** Width of the per-band regressions. */
const BAND_HZ = 500;
/** Time constants, in seconds: means of the error and echo spectra; the regression's update rate (capped, and per echo-to-error ratio). */
const SPECTRUM_AVERAGE_S = 1;
const UPDATE_MAX_S = 2;
const UPDATE_PER_ECHO_S = 0.5;
/**
 * A band's regression runs at the full rate only while its echo estimate
 * carries at least this many times the error's power (6 dB: far end alone, a
 * converged filter); in double talk, near-end speech makes the ratio small and
 * the band's leak barely moves. The broadband leak keeps Speex's rule.
 */
const BAND_FULL_RATE_ECHO_RATIO = 4;

export interface LeakEstimatorOptions {
  /** Bins per spectrum (B + 1). */
  readonly bins: number;
  readonly sampleRate: number;
  /** Seconds per block. */
  readonly blockSeconds: number;
  /** Floor of the regression's denominator (the spectra's power scale). */
  readonly floor: number;
}

export class LeakEstimator {
  /** Broadband leak, MIN_LEAK..1. */
  leak = 1;
  /** Leak of the band each bin belongs to, MIN_LEAK..1. */
  readonly binLeak: Float32Array;
  readonly #bandOfBin: Uint16Array;
  readonly #errorAverage: Float32Array;
  readonly #echoAverage: Float32Array;
  /**
   * Per band, then the broadband sum in the last slot: this block's Σ(ΔE·ΔY)
   * and Σ(ΔY²), and the recursive Pey and Pyy.
   */
  readonly #blockPey: Float64Array;
  readonly #blockPyy: Float64Array;
  /** Per band: this block's echo-estimate and error power (for the band's update rate). */
  readonly #blockEcho: Float64Array;
  readonly #blockError: Float64Array;
  readonly #pey: Float64Array;
  readonly #pyy: Float64Array;
  readonly #average: number;
  readonly #updateMax: number;
  readonly #updatePerEcho: number;
  readonly #floor: number;

  constructor(options: LeakEstimatorOptions) {
    const bins = options.bins;
    const binHz = options.sampleRate / 2 / (bins - 1);
    const bands = Math.max(1, Math.ceil((bins * binHz) / BAND_HZ));
    this.binLeak = new Float32Array(bins);
    this.#bandOfBin = new Uint16Array(bins);
    for (let k = 0; k < bins; k++) this.#bandOfBin[k] = Math.min(bands - 1, Math.floor((k * binHz) / BAND_HZ));
    this.#errorAverage = new Float32Array(bins);
    this.#echoAverage = new Float32Array(bins);
    this.#blockPey = new Float64Array(bands + 1);
    this.#blockPyy = new Float64Array(bands + 1);
    this.#blockEcho = new Float64Array(bands);
    this.#blockError = new Float64Array(bands);
    this.#pey = new Float64Array(bands + 1);
    this.#pyy = new Float64Array(bands + 1);
    this.#average = options.blockSeconds / SPECTRUM_AVERAGE_S;
    this.#updateMax = options.blockSeconds / UPDATE_MAX_S;
    this.#updatePerEcho = options.blockSeconds / UPDATE_PER_ECHO_S;
    this.#floor = options.floor;
    this.reset();
  }

  reset(): void {
    this.#errorAverage.fill(0);
    this.#echoAverage.fill(0);
    this.#pey.fill(this.#floor);
    this.#pyy.fill(this.#floor);
    this.leak = 1;
    this.binLeak.fill(1);
  }

  /**
   * One block: the error and echo-estimate spectra (interleaved re/im) and
   * their time-domain energies `echoEnergy` (Syy) and `errorEnergy` (See).
   */
  update(error: Float32Array, echo: Float32Array, echoEnergy: number, errorEnergy: number): void {
    const bins = this.binLeak.length;
    const errorAverage = this.#errorAverage;
    const echoAverage = this.#echoAverage;
    const band = this.#bandOfBin;
    const blockPey = this.#blockPey;
    const blockPyy = this.#blockPyy;
    const avg = this.#average;
    blockPey.fill(0);
    blockPyy.fill(0);
    const blockEcho = this.#blockEcho;
    const blockError = this.#blockError;
    blockEcho.fill(0);
    blockError.fill(0);
    const all = blockPey.length - 1;
    for (let k = 0; k < bins; k++) {
      const rf = (error[2 * k] as number) ** 2 + (error[2 * k + 1] as number) ** 2;
      const yf = (echo[2 * k] as number) ** 2 + (echo[2 * k + 1] as number) ** 2;
      const de = rf - (errorAverage[k] as number);
      const dy = yf - (echoAverage[k] as number);
      const b = band[k] as number;
      blockPey[b] = (blockPey[b] as number) + de * dy;
      blockPyy[b] = (blockPyy[b] as number) + dy * dy;
      blockEcho[b] = (blockEcho[b] as number) + yf;
      blockError[b] = (blockError[b] as number) + rf;
      errorAverage[k] = (1 - avg) * (errorAverage[k] as number) + avg * rf;
      echoAverage[k] = (1 - avg) * (echoAverage[k] as number) + avg * yf;
    }
    for (let b = 0; b < all; b++) {
      blockPey[all] = (blockPey[all] as number) + (blockPey[b] as number);
      blockPyy[all] = (blockPyy[all] as number) + (blockPyy[b] as number);
    }
    // Update rate: proportional to the echo-to-error ratio (slow in double talk), capped.
    const alpha = errorEnergy > 0 ? Math.min(this.#updatePerEcho * echoEnergy, this.#updateMax * errorEnergy) / errorEnergy : 0;
    if (alpha <= 0) return;
    this.#regress(all, alpha);
    // Bands update at full rate only where the echo estimate is well above the
    // error (far end alone); where the error is near-end speech they barely move.
    for (let b = 0; b < all; b++) {
      const ratio = (blockEcho[b] as number) / ((blockError[b] as number) + this.#floor);
      this.#regress(b, alpha * Math.min(1, ratio / BAND_FULL_RATE_ECHO_RATIO));
    }
    this.leak = (this.#pey[all] as number) / (this.#pyy[all] as number);
    for (let k = 0; k < bins; k++) {
      const b = band[k] as number;
      this.binLeak[k] = (this.#pey[b] as number) / (this.#pyy[b] as number);
    }
  }

  /**
   * One step of the recursion for slot `b`; the block's estimate is normalised
   * by √ΣΔY² so blocks weigh by echo amplitude (Speex). Pey stays within
   * [MIN_LEAK·Pyy, Pyy].
   */
  #regress(b: number, alpha: number): void {
    const root = Math.sqrt(this.#blockPyy[b] as number);
    const slope = root > 0 ? (this.#blockPey[b] as number) / root : 0;
    const pey = (1 - alpha) * (this.#pey[b] as number) + alpha * slope;
    const pyy = Math.max(this.#floor, (1 - alpha) * (this.#pyy[b] as number) + alpha * root);
    this.#pey[b] = Math.min(pyy, Math.max(MIN_LEAK * pyy, pey));
    this.#pyy[b] = pyy;
  }
}
