/**
 * Residual echo suppressor: the non-linear stage after the adaptive filter.
 * The linear filter cannot remove echo it does not model (loudspeaker
 * distortion, a path that just changed, the tail beyond its length); this
 * stage estimates that residual per frequency bin and attenuates bins where
 * it dominates, leaving bins where near-end speech dominates untouched.
 *
 * Residual echo power per bin R, the largest of:
 * - min(1, 2η_b)·|Ŷ|²: the linear echo estimate Ŷ scaled by the leak η_b of
 *   its ~500 Hz band (Valin 2007; SpeexDSP `speex_echo_get_residual` uses the
 *   broadband leak the same way);
 * - until the filter has converged (at start, and after an echo-path change
 *   clears it): 4·|X|², the aligned far end standing in for the echo, which
 *   makes those moments half-duplex rather than letting echo through;
 * - the error power itself where the echo estimate is ≥ 6× the error over
 *   ±2 bins: no near-end speech can hide under so much echo, so what is left
 *   there is echo the leak underestimates (loud, distorted passages);
 * - the previous block's R, decayed at `ECHO_RELEASE_DB_PER_S` (reverberation).
 *
 * Gain per bin: power spectral subtraction G = max(G_min, 1 − β·R/|E|²),
 * β = 2, G_min = −40 dB, with |E|² the error power (rising at once, falling
 * over ~8 ms so a near-end onset is not clipped).
 *
 * Analysis/synthesis: 2B-point square-root Hann windows at 50% overlap
 * (hop B), so the stage delays its output by one block (B samples).
 */
import { RealFft } from '../fft.js';
import type { MdfState } from './mdf.js';

/** The residual estimate is scaled by this before subtraction (β). */
const OVER_SUBTRACTION = 2;
/** Until the filter has converged, echo is assumed up to this power ratio of the aligned far end in every bin (+6 dB). */
const FALLBACK_ECHO_GAIN = 4;
/** Echo-dominated bins (see `#markEchoDominated`): echo estimate ≥ 6× the error power (7.8 dB) over ±2 bins. */
const ECHO_DOMINANCE = 6;
const DOMINANCE_HALF_WIDTH = 2;
/** Deepest attenuation of a bin. */
const MIN_GAIN_DB = -40;
/** How fast the residual echo estimate may decay when the echo estimate drops (reverberant tail). */
const ECHO_RELEASE_DB_PER_S = 200;
/** Time constant of the error power average (a short one: near-end onsets must pass quickly). */
const ERROR_SMOOTH_MS = 8;

export interface SuppressorOptions {
  readonly blockSize: number;
  readonly sampleRate: number;
}

export class ResidualEchoSuppressor {
  readonly blockSize: number;
  readonly #fft: RealFft;
  readonly #window: Float32Array;
  readonly #errorFrame: Float32Array;
  readonly #echoFrame: Float32Array;
  readonly #farFrame: Float32Array;
  readonly #time: Float32Array;
  readonly #errorSpectrum: Float32Array;
  readonly #echoSpectrum: Float32Array;
  readonly #farSpectrum: Float32Array;
  readonly #overlap: Float32Array;
  readonly #residual: Float32Array;
  readonly #errorPower: Float32Array;
  readonly #minGain = 10 ** (MIN_GAIN_DB / 20);
  readonly #release: number;
  readonly #errorSmooth: number;

  constructor(options: SuppressorOptions) {
    const b = options.blockSize;
    this.blockSize = b;
    this.#fft = new RealFft(2 * b);
    this.#window = new Float32Array(2 * b);
    // √Hann: w[n]² + w[n+B]² = 1, so analysis × synthesis overlap-adds to unity.
    for (let n = 0; n < 2 * b; n++) this.#window[n] = Math.sin((Math.PI * (n + 0.5)) / (2 * b));
    this.#errorFrame = new Float32Array(2 * b);
    this.#echoFrame = new Float32Array(2 * b);
    this.#farFrame = new Float32Array(2 * b);
    this.#time = new Float32Array(2 * b);
    this.#errorSpectrum = new Float32Array(2 * b + 2);
    this.#echoSpectrum = new Float32Array(2 * b + 2);
    this.#farSpectrum = new Float32Array(2 * b + 2);
    this.#overlap = new Float32Array(b);
    this.#residual = new Float32Array(b + 1);
    this.#errorPower = new Float32Array(b + 1);
    const blockSeconds = b / options.sampleRate;
    this.#release = 10 ** ((-ECHO_RELEASE_DB_PER_S * blockSeconds) / 10);
    this.#errorSmooth = Math.exp(-(blockSeconds * 1000) / ERROR_SMOOTH_MS);
  }

  reset(): void {
    for (const buffer of [this.#errorFrame, this.#echoFrame, this.#farFrame, this.#overlap, this.#residual, this.#errorPower]) buffer.fill(0);
  }

  /**
   * One block: the linear canceller's output `error`, its echo estimate
   * `echo`, the aligned far end `far` (all B samples, output domain), and the
   * filter's state. Writes B samples, one block late, into `out`.
   */
  process(error: Float32Array, echo: Float32Array, far: Float32Array, filter: MdfState, out: Float32Array): void {
    const b = this.blockSize;
    this.#analyse(this.#errorFrame, error, this.#errorSpectrum);
    this.#analyse(this.#echoFrame, echo, this.#echoSpectrum);
    const converged = filter.converged;
    if (!converged) this.#analyse(this.#farFrame, far, this.#farSpectrum);
    else this.#slide(this.#farFrame, far);

    const y = this.#echoSpectrum;
    const x = this.#farSpectrum;
    const leak = filter.binLeak;
    const adapted = filter.adapted;
    const fallback = converged ? 0 : FALLBACK_ECHO_GAIN;
    const e = this.#errorSpectrum;
    const residual = this.#residual;
    const errorPower = this.#errorPower;
    const smooth = this.#errorSmooth;
    for (let k = 0; k <= b; k++) {
      const scale = adapted ? Math.min(1, 2 * (leak[k] as number)) : 0;
      const linear = scale * ((y[2 * k] as number) ** 2 + (y[2 * k + 1] as number) ** 2);
      const estimate = Math.max(linear, fallback * ((x[2 * k] as number) ** 2 + (x[2 * k + 1] as number) ** 2));
      residual[k] = Math.max(estimate, this.#release * (residual[k] as number));
      const power = (e[2 * k] as number) ** 2 + (e[2 * k + 1] as number) ** 2;
      // Rise at once (near-end onsets pass), fall with the short average.
      errorPower[k] = Math.max(power, smooth * (errorPower[k] as number) + (1 - smooth) * power);
    }
    if (adapted) this.#markEchoDominated(y, e);
    for (let k = 0; k <= b; k++) {
      const gain = Math.max(this.#minGain, 1 - (OVER_SUBTRACTION * (residual[k] as number)) / ((errorPower[k] as number) + 1e-9));
      e[2 * k] = (e[2 * k] as number) * gain;
      e[2 * k + 1] = (e[2 * k + 1] as number) * gain;
    }

    const time = this.#time;
    this.#fft.inverse(e, time);
    const window = this.#window;
    const overlap = this.#overlap;
    for (let i = 0; i < b; i++) {
      out[i] = (overlap[i] as number) + (time[i] as number) * (window[i] as number);
      overlap[i] = (time[b + i] as number) * (window[b + i] as number);
    }
  }

  /**
   * Where the echo estimate carries `ECHO_DOMINANCE` times the error's power
   * (summed over ±`DOMINANCE_HALF_WIDTH` bins), no near-end speech is there to
   * keep: whatever is left is echo (typically loudspeaker distortion the leak
   * underestimates), so the bin's residual is raised to its whole error power.
   */
  #markEchoDominated(y: Float32Array, e: Float32Array): void {
    const b = this.blockSize;
    const residual = this.#residual;
    const errorPower = this.#errorPower;
    const h = DOMINANCE_HALF_WIDTH;
    let echoSum = 0;
    let errorSum = 0;
    // Sliding sums over bins k-h..k+h.
    for (let j = 0; j < h && j <= b; j++) {
      echoSum += (y[2 * j] as number) ** 2 + (y[2 * j + 1] as number) ** 2;
      errorSum += (e[2 * j] as number) ** 2 + (e[2 * j + 1] as number) ** 2;
    }
    for (let k = 0; k <= b; k++) {
      const enter = k + h;
      if (enter <= b) {
        echoSum += (y[2 * enter] as number) ** 2 + (y[2 * enter + 1] as number) ** 2;
        errorSum += (e[2 * enter] as number) ** 2 + (e[2 * enter + 1] as number) ** 2;
      }
      const leave = k - h - 1;
      if (leave >= 0) {
        echoSum -= (y[2 * leave] as number) ** 2 + (y[2 * leave + 1] as number) ** 2;
        errorSum -= (e[2 * leave] as number) ** 2 + (e[2 * leave + 1] as number) ** 2;
      }
      if (echoSum > ECHO_DOMINANCE * errorSum) residual[k] = Math.max(residual[k] as number, errorPower[k] as number);
    }
  }

  /** Slides `block` into the 2B frame, windows it and transforms it into `spectrum`. */
  #analyse(frame: Float32Array, block: Float32Array, spectrum: Float32Array): void {
    this.#slide(frame, block);
    const time = this.#time;
    const window = this.#window;
    for (let n = 0; n < frame.length; n++) time[n] = (frame[n] as number) * (window[n] as number);
    this.#fft.forward(time, spectrum);
  }

  #slide(frame: Float32Array, block: Float32Array): void {
    const b = this.blockSize;
    frame.copyWithin(0, b);
    frame.set(block, b);
  }
}
