/**
 * Voice activity detection for talker events and the AGC: the WebRTC VAD
 * (libfvad, a GMM over six sub-band log energies; `webrtc/common_audio/vad`)
 * in WASM, wrapped with two things it lacks in noise:
 *
 * 1. An energy gate against a tracked noise floor. The floor is the minimum
 *    of the smoothed frame power over the last `noiseWindowMs`, found with
 *    sub-window minima (R. Martin, "Noise power spectral density estimation
 *    based on optimal smoothing and minimum statistics", IEEE TSA 2001, here
 *    on the full-band frame power). Speech starts only `onsetGateDb` above the
 *    floor and continues while `holdGateDb` above it (hysteresis), and nothing
 *    below `absoluteGateDbov` is speech.
 * 2. A hangover: `hangoverMs` of activity after the last speech frame, so
 *    word endings and short stop closures are not cut.
 *
 * Measured on speech in white/pink/brown/babble noise at 10 dB SNR: ≥ 90 %
 * frame accuracy (test/dsp/vad.test.ts, docs/dsp.md).
 *
 * `await createVad(...)` loads the WASM module once per process; `process()`
 * is synchronous and allocation-free. Frames of 10, 20 or 30 ms; anything else
 * is counted in `stats.badFrames` and keeps the previous decision.
 */
import { meanSquare, powerToDbov } from './level.js';
import { createResampler, type Resampler } from './resampler.js';
import { loadFvad, type FvadModule } from './wasm/fvad.js';

export type VadMode = 0 | 1 | 2 | 3;
export const VAD_RATES = [8000, 16000, 24000, 32000, 48000] as const;
/** Rates libfvad takes directly; 24 kHz is resampled to `VAD_RESAMPLE_RATE` first. */
const FVAD_RATES: readonly number[] = [8000, 16000, 32000, 48000];
const VAD_RESAMPLE_RATE = 8000;
const FRAME_MS_ALLOWED: readonly number[] = [10, 20, 30];
const MAX_FRAME_MS = 30;

/** WebRTC VAD aggressiveness: 2 ("aggressive") balances misses and false alarms best with the gates. */
export const DEFAULT_VAD_MODE: VadMode = 2;
export const DEFAULT_HANGOVER_MS = 200;
/** A talk spurt starts this far above the noise floor (dB)… */
export const DEFAULT_ONSET_GATE_DB = 12;
/** …and continues while this far above it (dB). */
export const DEFAULT_HOLD_GATE_DB = 6;
/** Nothing quieter than this is speech (dBov): idle-channel noise of a G.711 line is about −70. */
export const DEFAULT_ABSOLUTE_GATE_DBOV = -60;
/** Minimum-statistics window for the noise floor (longer than a word, shorter than a sentence). */
export const DEFAULT_NOISE_WINDOW_MS = 2000;
/** Sub-windows the floor window is split into (Martin 2001 uses 8 × 12 frames; 5 is enough here). */
const NOISE_SUBWINDOWS = 5;
/** Far below one LSB² (int16² units): keeps recursive averages out of slow subnormal arithmetic. */
const SUBNORMAL_GUARD = 1e-30;
/** Time constant of the power smoothing that feeds the minimum tracker. */
const POWER_SMOOTHING_MS = 40;

export interface VadOptions {
  readonly sampleRate: number;
  readonly mode?: VadMode;
  readonly hangoverMs?: number;
  readonly onsetGateDb?: number;
  readonly holdGateDb?: number;
  readonly absoluteGateDbov?: number;
  readonly noiseWindowMs?: number;
}

export interface VadStats {
  frames: number;
  speechFrames: number;
  /** Frames whose length was not 10, 20 or 30 ms (decision kept, frame ignored). */
  badFrames: number;
}

export async function createVad(options: VadOptions): Promise<VoiceActivityDetector> {
  const rate = options.sampleRate;
  if (!(VAD_RATES as readonly number[]).includes(rate)) throw new RangeError(`VAD rate ${rate} Hz is not one of ${VAD_RATES.join(', ')}`);
  const mode = options.mode ?? DEFAULT_VAD_MODE;
  if (![0, 1, 2, 3].includes(mode)) throw new RangeError(`VAD mode ${mode} is not 0..3`);
  const module = await loadFvad();
  const resampler = FVAD_RATES.includes(rate) ? undefined : await createResampler({ inputRate: rate, outputRate: VAD_RESAMPLE_RATE });
  return new VoiceActivityDetector(module, resampler, options);
}

export class VoiceActivityDetector {
  readonly sampleRate: number;
  readonly stats: VadStats = { frames: 0, speechFrames: 0, badFrames: 0 };
  /** Decision for the last frame (after gates and hangover). */
  active = false;
  /** The WebRTC VAD's own decision for the last frame, before gates and hangover. */
  rawVoice = false;
  /** Level of the last frame, dBov. */
  levelDbov = -127;
  /** Tracked noise floor, dBov. */
  noiseFloorDbov = -127;

  readonly #module: FvadModule;
  readonly #resampler: Resampler | undefined;
  readonly #scratch: Int16Array;
  #handle: number;
  #buffer: number;
  readonly #mode: VadMode;
  readonly #hangoverMs: number;
  readonly #onsetGateDb: number;
  readonly #holdGateDb: number;
  readonly #absoluteGateDbov: number;
  readonly #subwindowMs: number;
  #hangoverLeftMs = 0;
  // Minimum statistics over the smoothed frame power (linear, int16 units²).
  #smoothedPower = -1;
  readonly #subwindowMinima: Float64Array;
  #subwindowIndex = 0;
  #currentMinimum = Infinity;
  #subwindowElapsedMs = 0;

  /** Use `createVad`; the constructor expects a loaded module. */
  constructor(module: FvadModule, resampler: Resampler | undefined, options: VadOptions) {
    this.sampleRate = options.sampleRate;
    this.#module = module;
    this.#resampler = resampler;
    this.#mode = options.mode ?? DEFAULT_VAD_MODE;
    this.#hangoverMs = options.hangoverMs ?? DEFAULT_HANGOVER_MS;
    this.#onsetGateDb = options.onsetGateDb ?? DEFAULT_ONSET_GATE_DB;
    this.#holdGateDb = options.holdGateDb ?? DEFAULT_HOLD_GATE_DB;
    this.#absoluteGateDbov = options.absoluteGateDbov ?? DEFAULT_ABSOLUTE_GATE_DBOV;
    this.#subwindowMs = (options.noiseWindowMs ?? DEFAULT_NOISE_WINDOW_MS) / NOISE_SUBWINDOWS;
    this.#subwindowMinima = new Float64Array(NOISE_SUBWINDOWS).fill(Infinity);
    const fvadRate = resampler ? VAD_RESAMPLE_RATE : options.sampleRate;
    this.#scratch = new Int16Array(resampler ? resampler.maxOutputLength((options.sampleRate * MAX_FRAME_MS) / 1000) : 0);
    this.#buffer = module._malloc(2 * ((fvadRate * MAX_FRAME_MS) / 1000 + 1));
    this.#handle = module._fvad_new();
    if (this.#handle === 0 || module._fvad_set_mode(this.#handle, this.#mode) !== 0 || module._fvad_set_sample_rate(this.#handle, fvadRate) !== 0) {
      this.destroy();
      throw new RangeError(`fvad rejected mode ${this.#mode} at ${fvadRate} Hz`);
    }
  }

  /** Classifies one frame (10, 20 or 30 ms of `pcm[0..length)`); returns and stores `active`. */
  process(pcm: Int16Array, length = pcm.length): boolean {
    const frameMs = (length * 1000) / this.sampleRate;
    if (this.#handle === 0 || !FRAME_MS_ALLOWED.includes(frameMs)) {
      this.stats.badFrames++;
      return this.active;
    }
    this.stats.frames++;
    const power = meanSquare(pcm, length);
    this.levelDbov = powerToDbov(power);
    this.#trackNoiseFloor(power, frameMs);
    this.rawVoice = this.#fvad(pcm, length);
    const gateDb = this.active ? this.#holdGateDb : this.#onsetGateDb;
    const speech = this.rawVoice && this.levelDbov > this.#absoluteGateDbov && this.levelDbov > this.noiseFloorDbov + gateDb;
    if (speech) {
      this.#hangoverLeftMs = this.#hangoverMs;
      this.active = true;
    } else if (this.#hangoverLeftMs > 0) {
      this.#hangoverLeftMs -= frameMs;
      this.active = true;
    } else {
      this.active = false;
    }
    if (this.active) this.stats.speechFrames++;
    return this.active;
  }

  /** Forgets the noise floor and any talk spurt (a new stream). */
  reset(): void {
    if (this.#handle !== 0) {
      this.#module._fvad_reset(this.#handle);
      this.#module._fvad_set_mode(this.#handle, this.#mode);
      this.#module._fvad_set_sample_rate(this.#handle, this.#resampler ? VAD_RESAMPLE_RATE : this.sampleRate);
    }
    this.#resampler?.reset();
    this.active = false;
    this.rawVoice = false;
    this.#hangoverLeftMs = 0;
    this.#smoothedPower = -1;
    this.#subwindowMinima.fill(Infinity);
    this.#currentMinimum = Infinity;
    this.#subwindowElapsedMs = 0;
    this.noiseFloorDbov = -127;
  }

  /** Frees the WASM state; idempotent. */
  destroy(): void {
    if (this.#buffer === 0) return;
    if (this.#handle !== 0) this.#module._fvad_free(this.#handle);
    this.#module._free(this.#buffer);
    this.#resampler?.destroy();
    this.#handle = 0;
    this.#buffer = 0;
  }

  #fvad(pcm: Int16Array, length: number): boolean {
    const module = this.#module;
    let source = pcm;
    let count = length;
    if (this.#resampler) {
      count = this.#resampler.process(pcm, this.#scratch, length);
      source = this.#scratch;
    }
    const heap = module.HEAP16;
    const base = this.#buffer >> 1;
    for (let i = 0; i < count; i++) heap[base + i] = source[i] as number;
    return module._fvad_process(this.#handle, this.#buffer, count) === 1;
  }

  #trackNoiseFloor(power: number, frameMs: number): void {
    const alpha = Math.exp(-frameMs / POWER_SMOOTHING_MS);
    // The tiny offset keeps the average out of subnormal numbers in digital silence.
    this.#smoothedPower = this.#smoothedPower < 0 ? power : alpha * this.#smoothedPower + (1 - alpha) * power + SUBNORMAL_GUARD;
    if (this.#smoothedPower < this.#currentMinimum) this.#currentMinimum = this.#smoothedPower;
    this.#subwindowElapsedMs += frameMs;
    if (this.#subwindowElapsedMs >= this.#subwindowMs) {
      this.#subwindowMinima[this.#subwindowIndex] = this.#currentMinimum;
      this.#subwindowIndex = (this.#subwindowIndex + 1) % NOISE_SUBWINDOWS;
      this.#currentMinimum = Infinity;
      this.#subwindowElapsedMs = 0;
    }
    let floor = this.#currentMinimum;
    for (let i = 0; i < NOISE_SUBWINDOWS; i++) floor = Math.min(floor, this.#subwindowMinima[i] as number);
    this.noiseFloorDbov = powerToDbov(floor);
  }
}
