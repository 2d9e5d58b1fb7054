/**
 * Automatic gain control: an adaptive digital gain steered by the VAD, then a
 * peak limiter (the structure of WebRTC's AGC2 "adaptive digital" controller:
 * speech level estimator → slew-limited gain → limiter).
 *
 * - Speech level: the mean power of the frames the VAD marks as speech and
 *   that are within `LEVEL_GATE_DB` of the estimate (a running mean over the
 *   first `LEVEL_TIME_CONSTANT_MS`, then an exponential average with that time
 *   constant). Only speech moves it, so noise and silence never pump the gain.
 * - Gain: heads for `target − speech level`, clamped to
 *   [`minGainDb`, `maxGainDb`], at no more than `maxGainChangeDbPerSecond`,
 *   interpolated sample by sample so a gain step never clicks. It starts at
 *   `initialGainDb`, the middle of the gains that speech between −45 and
 *   −6 dBFS needs, so either end is reached in about 3 s at 6 dB/s.
 * - Limiter: instant attack, exponential release, so no sample exceeds
 *   `limiterDbfs`: nothing clips.
 *
 * Levels are AES17 dBFS (a full-scale sine is 0 dBFS). Pure, allocation-free,
 * one object per leg.
 */
import { FULL_SCALE } from './level.js';

export const DEFAULT_TARGET_DBFS = -18;
/** Most the AGC will amplify (dB): −45 dBFS speech needs +27. */
export const DEFAULT_MAX_GAIN_DB = 30;
/** Most it will attenuate (dB): −6 dBFS speech needs −12. */
export const DEFAULT_MIN_GAIN_DB = -20;
/** Slew limit: slower than syllables, so the gain never follows the speech envelope. */
export const DEFAULT_MAX_GAIN_CHANGE_DB_PER_S = 6;
/** Midpoint of +27 dB and −12 dB, the gains needed for −45 and −6 dBFS speech at the default target. */
export const DEFAULT_INITIAL_GAIN_DB = 7.5;
/** Peak ceiling of the limiter, 1 dB below full scale. */
export const DEFAULT_LIMITER_DBFS = -1;
/**
 * Speech frames this far below the current estimate are left out of it: they
 * are VAD hangover and pauses, not active speech (the idea of the activity
 * threshold in ITU-T P.56, which sits 15.9 dB below the active level).
 */
const LEVEL_GATE_DB = 20;
/** Memory of the speech level estimate. */
const LEVEL_TIME_CONSTANT_MS = 1000;
/** Limiter release time constant: long enough not to modulate the waveform. */
const LIMITER_RELEASE_MS = 60;
/** AES17: mean square of a full-scale sine, the 0 dBFS power. */
const FULL_SCALE_SINE_POWER = (FULL_SCALE * FULL_SCALE) / 2;

export interface AgcOptions {
  readonly sampleRate: number;
  readonly targetDbfs?: number;
  readonly maxGainDb?: number;
  readonly minGainDb?: number;
  readonly maxGainChangeDbPerSecond?: number;
  readonly initialGainDb?: number;
  readonly limiterDbfs?: number;
}

export interface AgcStats {
  frames: number;
  speechFrames: number;
  /** Samples the limiter turned down. */
  limitedSamples: number;
}

export class AutomaticGainControl {
  readonly sampleRate: number;
  readonly targetDbfs: number;
  readonly stats: AgcStats = { frames: 0, speechFrames: 0, limitedSamples: 0 };
  /** Adaptive gain (dB) reached at the end of the last frame, without the limiter. */
  gainDb: number;
  /** Estimated speech level of the input (dBFS); NaN until speech has been seen. */
  speechLevelDbfs = Number.NaN;

  readonly #maxGainDb: number;
  readonly #minGainDb: number;
  readonly #maxChangeDbPerSample: number;
  readonly #initialGainDb: number;
  readonly #ceiling: number;
  readonly #releaseCoefficient: number;
  readonly #levelTimeConstantMs: number;
  readonly #levelGate = 10 ** (-LEVEL_GATE_DB / 10);
  #speechPower = 0;
  #speechFramesSeen = 0;
  #limiterGain = 1;

  constructor(options: AgcOptions) {
    if (!Number.isInteger(options.sampleRate) || options.sampleRate <= 0) throw new RangeError(`AGC rate ${options.sampleRate} is not a positive integer`);
    this.sampleRate = options.sampleRate;
    this.targetDbfs = options.targetDbfs ?? DEFAULT_TARGET_DBFS;
    this.#maxGainDb = options.maxGainDb ?? DEFAULT_MAX_GAIN_DB;
    this.#minGainDb = options.minGainDb ?? DEFAULT_MIN_GAIN_DB;
    if (this.#minGainDb > this.#maxGainDb) throw new RangeError(`AGC minGainDb ${this.#minGainDb} exceeds maxGainDb ${this.#maxGainDb}`);
    this.#maxChangeDbPerSample = (options.maxGainChangeDbPerSecond ?? DEFAULT_MAX_GAIN_CHANGE_DB_PER_S) / options.sampleRate;
    this.#initialGainDb = Math.min(this.#maxGainDb, Math.max(this.#minGainDb, options.initialGainDb ?? DEFAULT_INITIAL_GAIN_DB));
    this.gainDb = this.#initialGainDb;
    // A full-scale sine peaks at FULL_SCALE, so a peak ceiling in dBFS scales FULL_SCALE.
    this.#ceiling = Math.min(32767, FULL_SCALE * 10 ** ((options.limiterDbfs ?? DEFAULT_LIMITER_DBFS) / 20));
    this.#releaseCoefficient = Math.exp(-1000 / (LIMITER_RELEASE_MS * options.sampleRate));
    this.#levelTimeConstantMs = LEVEL_TIME_CONSTANT_MS;
  }

  /**
   * Applies the gain to `input[0..length)` into `output` (may be the same
   * array). `speech` is the VAD's decision for this frame.
   */
  process(input: Int16Array, output: Int16Array, speech: boolean, length = input.length): void {
    if (length <= 0) return;
    this.stats.frames++;
    if (speech) {
      this.stats.speechFrames++;
      this.#updateSpeechLevel(input, length);
    }
    const startDb = this.gainDb;
    let endDb = startDb;
    if (this.#speechFramesSeen > 0) {
      const wanted = Math.min(this.#maxGainDb, Math.max(this.#minGainDb, this.targetDbfs - this.speechLevelDbfs));
      const step = this.#maxChangeDbPerSample * length;
      endDb = wanted > startDb ? Math.min(wanted, startDb + step) : Math.max(wanted, startDb - step);
    }
    this.gainDb = endDb;
    // Linear interpolation of the linear gain across the frame: no zipper noise.
    let gain = 10 ** (startDb / 20);
    const gainStep = (10 ** (endDb / 20) - gain) / length;
    const ceiling = this.#ceiling;
    const release = this.#releaseCoefficient;
    let limiter = this.#limiterGain;
    let limited = 0;
    for (let i = 0; i < length; i++) {
      gain += gainStep;
      const y = (input[i] as number) * gain;
      const magnitude = y < 0 ? -y : y;
      // Release towards unity, attack at once to whatever keeps this sample under the ceiling.
      limiter = 1 - release * (1 - limiter);
      if (magnitude * limiter > ceiling) {
        limiter = ceiling / magnitude;
        limited++;
      }
      output[i] = Math.round(y * limiter);
    }
    this.#limiterGain = limiter;
    this.stats.limitedSamples += limited;
  }

  /** Back to the initial gain with no speech level (a new talker or stream). */
  reset(): void {
    this.gainDb = this.#initialGainDb;
    this.speechLevelDbfs = Number.NaN;
    this.#speechPower = 0;
    this.#speechFramesSeen = 0;
    this.#limiterGain = 1;
  }

  #updateSpeechLevel(input: Int16Array, length: number): void {
    let sum = 0;
    for (let i = 0; i < length; i++) {
      const s = input[i] as number;
      sum += s * s;
    }
    const power = sum / length;
    if (this.#speechFramesSeen > 0 && power < this.#speechPower * this.#levelGate) return;
    const frameMs = (1000 * length) / this.sampleRate;
    this.#speechFramesSeen++;
    // Running mean while the estimate is young, then an exponential average.
    const weight = Math.max(1 / this.#speechFramesSeen, 1 - Math.exp(-frameMs / this.#levelTimeConstantMs));
    this.#speechPower += weight * (power - this.#speechPower);
    this.speechLevelDbfs = this.#speechPower > 0 ? 10 * Math.log10(this.#speechPower / FULL_SCALE_SINE_POWER) : -Infinity;
  }
}
