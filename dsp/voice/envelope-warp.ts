/**
 * Spectral-envelope warping of an LPC fit. The all-pole envelope 1/|A(e^jω)|²
 * is evaluated on an FFT grid (256 points, 512 at 48 kHz), its frequency axis is remapped, the warped
 * power spectrum is turned back into an autocorrelation (inverse FFT) and a
 * new predictor of the same order is fitted (Levinson–Durbin). Remapping the
 * envelope instead of moving poles needs no root finding (which can fail to
 * converge), keeps the result minimum-phase by construction, and scales
 * formant bandwidths together with the centre frequencies as a longer or
 * shorter vocal tract would.
 *
 * The warp maps an input frequency F to  ratio · M(F), where M is the McAdams
 * transformation φ → φ^α on the angle φ = 2πF / 16000 (the anonymisation
 * literature's 16 kHz convention, kept at every rate so a coefficient means
 * the same voice at 8, 16 and 48 kHz).
 */
import { RealFft } from '../fft.js';
import { lagWindow, levinson, WHITE_NOISE_CORRECTION } from './lpc.js';

const MCADAMS_REFERENCE_HZ = 16000 / (2 * Math.PI);

/** F → M(F) (McAdams on the 16 kHz angle). */
export function mcAdamsHz(frequency: number, alpha: number): number {
  return MCADAMS_REFERENCE_HZ * (frequency / MCADAMS_REFERENCE_HZ) ** alpha;
}

export class EnvelopeWarper {
  readonly #fft: RealFft;
  readonly #order: number;
  readonly #sampleRate: number;
  readonly #time: Float32Array;
  readonly #spectrum: Float32Array;
  /** ln power of the current envelope per bin. */
  readonly #logPower: Float64Array;
  /** |A|² per bin (the warp's working copy). */
  readonly #magnitude: Float64Array;
  /** Source position (fractional bin) for each output bin under the cached warp. */
  readonly #source: Float64Array;
  readonly #r: Float64Array;
  readonly #lag: Float64Array;
  readonly #scratch: Float64Array;
  /** Power gain Σh² of the last warped all-pole filter (R(0) / prediction error). */
  powerGain = 1;
  #cachedRatio = Number.NaN;
  #cachedAlpha = Number.NaN;

  constructor(order: number, sampleRate: number) {
    this.#order = order;
    this.#sampleRate = sampleRate;
    const size = sampleRate > 16000 ? 512 : 256;
    this.#fft = new RealFft(size);
    this.#time = new Float32Array(size);
    this.#spectrum = new Float32Array(size + 2);
    this.#logPower = new Float64Array(this.#fft.bins);
    this.#magnitude = new Float64Array(this.#fft.bins);
    this.#source = new Float64Array(this.#fft.bins);
    this.#r = new Float64Array(order + 1);
    this.#lag = lagWindow(order, sampleRate, 40);
    this.#scratch = new Float64Array(order + 1);
  }

  get bins(): number {
    return this.#fft.bins;
  }

  get binHz(): number {
    return this.#sampleRate / this.#fft.size;
  }

  /** ln|1/A|² of `a` per bin into the internal buffer (read with `logPowerAt`). */
  analyse(a: Float64Array): void {
    const time = this.#time;
    time.fill(0);
    for (let j = 0; j <= this.#order; j++) time[j] = a[j] ?? 0;
    this.#fft.forward(time, this.#spectrum);
    const spectrum = this.#spectrum;
    for (let k = 0; k < this.#fft.bins; k++) {
      const re = spectrum[2 * k] ?? 0;
      const im = spectrum[2 * k + 1] ?? 0;
      this.#logPower[k] = -Math.log(re * re + im * im + 1e-12);
    }
  }

  logPowerAt(bin: number): number {
    return this.#logPower[bin] ?? 0;
  }

  /**
   * Fills `out[0..order]` with the predictor whose envelope is `a`'s warped by
   * F → ratio·M_α(F) and sets `powerGain`. Returns false (copies `a`, powerGain NaN) if the refit failed.
   * The remap interpolates |A|² (smooth, so linear interpolation on the fine grid is enough) and
   * inverts it: no log/exp per bin.
   */
  warp(a: Float64Array, ratio: number, alpha: number, out: Float64Array): boolean {
    this.#prepareMap(ratio, alpha);
    const time = this.#time;
    time.fill(0);
    for (let j = 0; j <= this.#order; j++) time[j] = a[j] ?? 0;
    const spectrum = this.#spectrum;
    this.#fft.forward(time, spectrum);
    const bins = this.#fft.bins;
    const magnitude = this.#magnitude;
    for (let k = 0; k < bins; k++) {
      const re = spectrum[2 * k] as number;
      const im = spectrum[2 * k + 1] as number;
      magnitude[k] = re * re + im * im + 1e-9;
    }
    const source = this.#source;
    for (let k = 0; k < bins; k++) {
      const position = source[k] as number;
      const i = position | 0;
      const lo = magnitude[i] as number;
      const hi = i + 1 < bins ? (magnitude[i + 1] as number) : lo;
      spectrum[2 * k] = 1 / (lo + (hi - lo) * (position - i));
      spectrum[2 * k + 1] = 0;
    }
    this.#fft.inverse(spectrum, time);
    const r = this.#r;
    for (let j = 0; j <= this.#order; j++) r[j] = (time[j] ?? 0) * (this.#lag[j] ?? 0);
    r[0] = (r[0] ?? 0) * WHITE_NOISE_CORRECTION;
    // Scale R(0) to a fixed size for levinson's silence test (the fit does not depend on the scale).
    const scale = 1e6 / Math.max(1e-30, r[0] ?? 0);
    for (let j = 0; j <= this.#order; j++) r[j] = (r[j] ?? 0) * scale;
    const error = levinson(r, this.#order, out, this.#scratch);
    if (error > 0) {
      this.powerGain = (r[0] ?? 0) / error;
      return true;
    }
    for (let j = 0; j <= this.#order; j++) out[j] = a[j] as number;
    this.powerGain = Number.NaN;
    return false;
  }

  /** Output bin k reads the input envelope at M⁻¹(F_k / ratio), clamped to the band. */
  #prepareMap(ratio: number, alpha: number): void {
    if (ratio === this.#cachedRatio && alpha === this.#cachedAlpha) return;
    this.#cachedRatio = ratio;
    this.#cachedAlpha = alpha;
    const binHz = this.binHz;
    const last = this.#fft.bins - 1;
    for (let k = 0; k <= last; k++) {
      const source = mcAdamsHz((k * binHz) / ratio, 1 / alpha) / binHz;
      this.#source[k] = Math.min(last, Math.max(0, source));
    }
  }
}

/**
 * First `out.length` formant frequencies (Hz) of the envelope last passed to
 * `analyse`: local maxima of the envelope between 150 Hz and 5 kHz, refined by
 * a parabola through the three bins. Returns how many were found.
 */
export function pickFormants(warper: EnvelopeWarper, out: Float64Array): number {
  const binHz = warper.binHz;
  const first = Math.max(1, Math.ceil(150 / binHz));
  const last = Math.min(warper.bins - 2, Math.floor(5000 / binHz));
  let found = 0;
  for (let k = first; k <= last && found < out.length; k++) {
    const left = warper.logPowerAt(k - 1);
    const mid = warper.logPowerAt(k);
    const right = warper.logPowerAt(k + 1);
    if (mid > left && mid >= right) {
      const denominator = left - 2 * mid + right;
      const offset = denominator < 0 ? (0.5 * (left - right)) / denominator : 0;
      out[found++] = (k + offset) * binHz;
    }
  }
  return found;
}
