/**
 * Bulk delay between the far-end reference and its echo in the microphone
 * signal, so the adaptive filter's tail is spent on the room response and not
 * on the sound card's and network's buffering (WebRTC AEC3 aligns its render
 * buffer the same way, with matched filters).
 *
 * Method: GCC-PHAT (generalized cross-correlation with phase transform) on
 * both signals low-passed and decimated to 4 kHz. Every hop the cross-spectrum
 * of the last 512 ms of far end and the last (512 ms − max delay) of near end
 * is whitened (each bin divided by its magnitude) and transformed back; the
 * resulting correlation over lags 0..max delay is averaged over hops where
 * both ends are active. The estimate is the earliest lag reaching half the
 * average's highest peak (a reflection can outweigh the direct path), once
 * the peak stands clear of the rest of the correlation and three successive
 * hops agree.
 *
 * Reference: C. H. Knapp, G. C. Carter, "The generalized correlation method
 * for estimation of time delay", IEEE Trans. ASSP 24(4), 1976.
 */
import { RealFft } from '../fft.js';

/** Rate the correlation runs at; the input rate must be a multiple of it. */
export const DELAY_ANALYSIS_RATE = 4000;
/** Correlation window: 2048 samples at 4 kHz (512 ms). */
const FFT_SIZE = 2048;
/** A new correlation every 256 samples at 4 kHz (64 ms). */
const HOP = 256;
/** Shortest near-end window the correlation uses (so the longest delay is 512 − 112 ms = 400 ms). */
const MIN_NEAR_WINDOW = 448;
/** Anti-alias low-pass before decimation (two cascaded Butterworth biquads). */
const LOWPASS_HZ = 1600;
/** Bins outside this band carry little speech (or only the filter's stop band) and are left out of the whitened spectrum. */
const BAND_LOW_HZ = 150;
const BAND_HIGH_HZ = 1700;
/** Averaging of successive correlations (per active hop): about 5 hops, 0.3 s. */
const CORRELATION_SMOOTH = 0.8;
/** Hops are used only when both ends carry signal: mean square (16-bit units²) of the decimated hop, about −60 dBFS far and −70 dBFS near. */
const FAR_ACTIVE_MEAN_SQUARE = 540;
const NEAR_ACTIVE_MEAN_SQUARE = 54;
/** The peak must exceed this many times the RMS of the averaged correlation. */
const MIN_PEAK_TO_RMS = 6;
/** The estimate is the earliest lag reaching this share of the highest peak. */
const EARLIEST_PEAK_SHARE = 0.5;
/** Active hops (both ends talking) before anything is published: the first correlations are mostly empty windows. */
const MIN_ACTIVE_HOPS = 4;
/** Consecutive hops that must agree (within `AGREE_SAMPLES` at 4 kHz) before an estimate is published (~0.2 s). */
const AGREEING_HOPS = 3;
const AGREE_SAMPLES = 2;
/** Regulariser of the phase transform, relative to the mean bin magnitude. */
const PHAT_FLOOR = 1e-3;

export interface DelayEstimatorOptions {
  readonly sampleRate: number;
  /** Longest delay searched, in ms (up to 400). */
  readonly maxDelayMs: number;
}

/** A second-order section in direct form I, RBJ cookbook low-pass. */
class Biquad {
  readonly #b0: number;
  readonly #b1: number;
  readonly #b2: number;
  readonly #a1: number;
  readonly #a2: number;
  #x1 = 0;
  #x2 = 0;
  #y1 = 0;
  #y2 = 0;

  constructor(sampleRate: number, cutoffHz: number) {
    const w = (2 * Math.PI * cutoffHz) / sampleRate;
    const alpha = Math.sin(w) / Math.SQRT2;
    const a0 = 1 + alpha;
    this.#b0 = (1 - Math.cos(w)) / 2 / a0;
    this.#b1 = (1 - Math.cos(w)) / a0;
    this.#b2 = this.#b0;
    this.#a1 = (-2 * Math.cos(w)) / a0;
    this.#a2 = (1 - alpha) / a0;
  }

  step(x: number): number {
    const y = this.#b0 * x + this.#b1 * this.#x1 + this.#b2 * this.#x2 - this.#a1 * this.#y1 - this.#a2 * this.#y2;
    this.#x2 = this.#x1;
    this.#x1 = x;
    this.#y2 = this.#y1;
    this.#y1 = y;
    return y;
  }

  reset(): void {
    this.#x1 = this.#x2 = this.#y1 = this.#y2 = 0;
  }
}

export class DelayEstimator {
  /** Published estimate in input samples, or -1 while unknown. */
  delaySamples = -1;
  /** Peak-to-RMS ratio of the averaged correlation at the last hop. */
  peakToRms = 0;
  readonly #factor: number;
  readonly #maxLag: number;
  readonly #nearWindow: number;
  readonly #fft = new RealFft(FFT_SIZE);
  readonly #far = new Float32Array(FFT_SIZE);
  readonly #near = new Float32Array(FFT_SIZE);
  readonly #time = new Float32Array(FFT_SIZE);
  readonly #farSpectrum = new Float32Array(FFT_SIZE + 2);
  readonly #nearSpectrum = new Float32Array(FFT_SIZE + 2);
  readonly #correlation: Float32Array;
  readonly #farFilters: readonly [Biquad, Biquad];
  readonly #nearFilters: readonly [Biquad, Biquad];
  readonly #bandLow: number;
  readonly #bandHigh: number;
  /** Input samples until the next decimated sample; decimated samples until the next hop. */
  #phase = 0;
  #hopFill = 0;
  #farHopEnergy = 0;
  #nearHopEnergy = 0;
  #candidate = -1;
  #agreeing = 0;
  #hasAverage = false;
  #activeHops = 0;

  constructor(options: DelayEstimatorOptions) {
    this.#factor = options.sampleRate / DELAY_ANALYSIS_RATE;
    this.#maxLag = Math.min(FFT_SIZE - MIN_NEAR_WINDOW, Math.ceil((options.maxDelayMs * DELAY_ANALYSIS_RATE) / 1000));
    this.#nearWindow = FFT_SIZE - this.#maxLag;
    this.#correlation = new Float32Array(this.#maxLag + 1);
    this.#farFilters = [new Biquad(options.sampleRate, LOWPASS_HZ), new Biquad(options.sampleRate, LOWPASS_HZ)];
    this.#nearFilters = [new Biquad(options.sampleRate, LOWPASS_HZ), new Biquad(options.sampleRate, LOWPASS_HZ)];
    const binHz = DELAY_ANALYSIS_RATE / FFT_SIZE;
    this.#bandLow = Math.ceil(BAND_LOW_HZ / binHz);
    this.#bandHigh = Math.floor(BAND_HIGH_HZ / binHz);
  }

  /** Longest delay this estimator can report, in input samples. */
  get maxDelaySamples(): number {
    return this.#maxLag * this.#factor;
  }

  /** Feeds `length` samples of raw far end and microphone signal. Returns true when the estimate changed. */
  push(far: Float32Array, near: Float32Array, length: number): boolean {
    let changed = false;
    const [far1, far2] = this.#farFilters;
    const [near1, near2] = this.#nearFilters;
    for (let i = 0; i < length; i++) {
      const f = far2.step(far1.step(far[i] as number));
      const n = near2.step(near1.step(near[i] as number));
      if (++this.#phase < this.#factor) continue;
      this.#phase = 0;
      this.#append(f, n);
      if (++this.#hopFill < HOP) continue;
      this.#hopFill = 0;
      if (this.#hop()) changed = true;
    }
    return changed;
  }

  reset(): void {
    this.delaySamples = -1;
    this.peakToRms = 0;
    this.#far.fill(0);
    this.#near.fill(0);
    this.#correlation.fill(0);
    for (const filter of [...this.#farFilters, ...this.#nearFilters]) filter.reset();
    this.#phase = this.#hopFill = 0;
    this.#farHopEnergy = this.#nearHopEnergy = 0;
    this.#candidate = -1;
    this.#agreeing = 0;
    this.#hasAverage = false;
    this.#activeHops = 0;
  }

  /** Appends one decimated sample pair (the buffers shift once per hop, not per sample). */
  #append(far: number, near: number): void {
    const at = FFT_SIZE - HOP + this.#hopFill;
    this.#far[at] = far;
    this.#near[at] = near;
    this.#farHopEnergy += far * far;
    this.#nearHopEnergy += near * near;
  }

  /** One correlation; returns true when the published estimate changed. */
  #hop(): boolean {
    const active = this.#farHopEnergy > FAR_ACTIVE_MEAN_SQUARE * HOP && this.#nearHopEnergy > NEAR_ACTIVE_MEAN_SQUARE * HOP;
    this.#farHopEnergy = this.#nearHopEnergy = 0;
    let changed = false;
    if (active) {
      this.#correlate();
      changed = this.#pickPeak();
    }
    this.#far.copyWithin(0, HOP);
    this.#near.copyWithin(0, HOP);
    return changed;
  }

  #correlate(): void {
    const fft = this.#fft;
    fft.forward(this.#far, this.#farSpectrum);
    const time = this.#time;
    const nearStart = FFT_SIZE - this.#nearWindow;
    time.fill(0, 0, nearStart);
    for (let i = nearStart; i < FFT_SIZE; i++) time[i] = this.#near[i] as number;
    const cross = this.#nearSpectrum;
    fft.forward(time, cross);
    const far = this.#farSpectrum;
    // Cross-spectrum conj(F)·N, whitened inside the speech band.
    let mean = 0;
    for (let k = this.#bandLow; k <= this.#bandHigh; k++) {
      const fr = far[2 * k] as number;
      const fi = far[2 * k + 1] as number;
      const nr = cross[2 * k] as number;
      const ni = cross[2 * k + 1] as number;
      const re = fr * nr + fi * ni;
      const im = fr * ni - fi * nr;
      cross[2 * k] = re;
      cross[2 * k + 1] = im;
      mean += Math.hypot(re, im);
    }
    const floor = (PHAT_FLOOR * mean) / (this.#bandHigh - this.#bandLow + 1) + 1e-20;
    for (let k = 0; k < FFT_SIZE / 2 + 1; k++) {
      if (k < this.#bandLow || k > this.#bandHigh) {
        cross[2 * k] = 0;
        cross[2 * k + 1] = 0;
        continue;
      }
      const magnitude = Math.hypot(cross[2 * k] as number, cross[2 * k + 1] as number) + floor;
      cross[2 * k] = (cross[2 * k] as number) / magnitude;
      cross[2 * k + 1] = (cross[2 * k + 1] as number) / magnitude;
    }
    fft.inverse(cross, time);
    const correlation = this.#correlation;
    const smooth = this.#hasAverage ? CORRELATION_SMOOTH : 0;
    for (let lag = 0; lag <= this.#maxLag; lag++) correlation[lag] = smooth * (correlation[lag] as number) + (1 - smooth) * (time[lag] as number);
    this.#hasAverage = true;
  }

  #pickPeak(): boolean {
    const correlation = this.#correlation;
    let best = 0;
    let peak = -Infinity;
    let sumSquares = 0;
    for (let lag = 0; lag <= this.#maxLag; lag++) {
      const c = correlation[lag] as number;
      sumSquares += c * c;
      if (c > peak) {
        peak = c;
        best = lag;
      }
    }
    const rms = Math.sqrt(sumSquares / (this.#maxLag + 1));
    this.peakToRms = rms > 0 ? peak / rms : 0;
    // The direct path is the earliest strong peak; a reflection may be stronger.
    for (let lag = 0; lag < best; lag++) {
      if ((correlation[lag] as number) >= EARLIEST_PEAK_SHARE * peak) {
        best = lag;
        break;
      }
    }
    if (++this.#activeHops < MIN_ACTIVE_HOPS || this.peakToRms < MIN_PEAK_TO_RMS) {
      this.#agreeing = 0;
      return false;
    }
    this.#agreeing = Math.abs(best - this.#candidate) <= AGREE_SAMPLES ? this.#agreeing + 1 : 1;
    this.#candidate = best;
    if (this.#agreeing < AGREEING_HOPS) return false;
    const delay = best * this.#factor;
    if (delay === this.delaySamples) return false;
    this.delaySamples = delay;
    return true;
  }
}
