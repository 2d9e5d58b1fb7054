/**
 * RNNoise noise suppression (J.-M. Valin, "A hybrid DSP/deep learning approach
 * to real-time full-band speech enhancement", MMSP 2018; xiph/rnnoise) in
 * WASM: a small GRU network predicts gains for 22 Bark-like bands of a 48 kHz
 * signal in 10 ms frames, plus a pitch comb filter. Legs at other rates are
 * resampled to 48 kHz and back (Speex resampler), so any 10 ms multiple of
 * 8/16/24/32/48 kHz audio goes in and the same length comes out.
 *
 * Frames whose length is not a whole number of 10 ms are passed through
 * unchanged and counted in `stats.badFrames`.
 *
 * `await createRnnoiseSuppressor(...)` loads the WASM module once per process;
 * `process()` is synchronous and allocation-free. One object per leg.
 */
import { createResampler, isResamplerRate, RESAMPLER_RATES, type Resampler } from './resampler.js';
import { loadRnnoise, type RnnoiseModule } from './wasm/rnnoise.js';

export const RNNOISE_RATE = 48000;
/** RNNoise works on 10 ms frames at 48 kHz. */
export const RNNOISE_FRAME = 480;
const FRAME_MS = 10;
/** Largest frame accepted per call (longer calls are passed through and counted). */
const MAX_FRAME_MS = 60;
const BYTES_PER_FLOAT = 4;

export interface RnnoiseOptions {
  readonly sampleRate: number;
}

export interface RnnoiseStats {
  blocks: number;
  badFrames: number;
}

export async function createRnnoiseSuppressor(options: RnnoiseOptions): Promise<RnnoiseSuppressor> {
  const rate = options.sampleRate;
  if (!isResamplerRate(rate)) throw new RangeError(`RNNoise rate ${rate} Hz is not one of ${RESAMPLER_RATES.join(', ')}`);
  const module = await loadRnnoise();
  if (module._rnnoise_get_frame_size() !== RNNOISE_FRAME) throw new RangeError(`RNNoise frame size is ${module._rnnoise_get_frame_size()}, expected ${RNNOISE_FRAME}`);
  const up = rate === RNNOISE_RATE ? undefined : await createResampler({ inputRate: rate, outputRate: RNNOISE_RATE });
  const down = rate === RNNOISE_RATE ? undefined : await createResampler({ inputRate: RNNOISE_RATE, outputRate: rate });
  return new RnnoiseSuppressor(module, rate, up, down);
}

export class RnnoiseSuppressor {
  readonly sampleRate: number;
  /** Output lags input by this many samples (RNNoise's 10 ms plus the resamplers). */
  readonly delaySamples: number;
  readonly stats: RnnoiseStats = { blocks: 0, badFrames: 0 };
  /** RNNoise's voice probability (0..1) for the last 10 ms block. */
  voiceProbability = 0;

  readonly #module: RnnoiseModule;
  readonly #up: Resampler | undefined;
  readonly #down: Resampler | undefined;
  readonly #wide: Int16Array;
  readonly #frameSamples: number;
  #state: number;
  /** WASM floats: [input 480][output 480]. */
  #buffers: number;

  /** Use `createRnnoiseSuppressor`. */
  constructor(module: RnnoiseModule, sampleRate: number, up: Resampler | undefined, down: Resampler | undefined) {
    this.sampleRate = sampleRate;
    this.#module = module;
    this.#up = up;
    this.#down = down;
    this.#frameSamples = (sampleRate * FRAME_MS) / 1000;
    this.#wide = new Int16Array((RNNOISE_RATE * MAX_FRAME_MS) / 1000 + 2);
    this.#state = module._rnnoise_create(0);
    this.#buffers = module._malloc(2 * RNNOISE_FRAME * BYTES_PER_FLOAT);
    const resamplingDelay = (up ? up.delaySamples : 0) + RNNOISE_FRAME;
    this.delaySamples = Math.round((resamplingDelay * sampleRate) / RNNOISE_RATE) + (down ? down.delaySamples : 0);
  }

  /** Denoises `input[0..length)` (a multiple of 10 ms) into `output` (may be the same array). */
  process(input: Int16Array, output: Int16Array, length = input.length): void {
    const maxLength = (this.sampleRate * MAX_FRAME_MS) / 1000;
    if (this.#state === 0 || length % this.#frameSamples !== 0 || length > maxLength || length === 0) {
      this.stats.badFrames++;
      if (output !== input) for (let i = 0; i < length; i++) output[i] = input[i] as number;
      return;
    }
    const wide = this.#wide;
    let wideLength = length;
    if (this.#up) wideLength = this.#up.process(input, wide, length);
    else for (let i = 0; i < length; i++) wide[i] = input[i] as number;
    for (let offset = 0; offset + RNNOISE_FRAME <= wideLength; offset += RNNOISE_FRAME) this.#denoiseBlock(offset);
    if (this.#down) this.#down.process(wide, output, wideLength);
    else for (let i = 0; i < length; i++) output[i] = wide[i] as number;
  }

  /** Forgets all history: RNNoise's network state and the resamplers' filters. */
  reset(): void {
    if (this.#state !== 0) this.#module._rnnoise_init(this.#state, 0);
    this.#up?.reset();
    this.#down?.reset();
  }

  /** Frees the WASM state; idempotent. */
  destroy(): void {
    if (this.#state === 0) return;
    this.#module._rnnoise_destroy(this.#state);
    this.#module._free(this.#buffers);
    this.#up?.destroy();
    this.#down?.destroy();
    this.#state = 0;
    this.#buffers = 0;
  }

  /** Runs RNNoise in place on `#wide[offset .. offset + 480)`. */
  #denoiseBlock(offset: number): void {
    const module = this.#module;
    const wide = this.#wide;
    const inPointer = this.#buffers;
    const outPointer = inPointer + RNNOISE_FRAME * BYTES_PER_FLOAT;
    // RNNoise takes floats on the int16 scale.
    let heap = module.HEAPF32;
    const inBase = inPointer >> 2;
    for (let i = 0; i < RNNOISE_FRAME; i++) heap[inBase + i] = wide[offset + i] as number;
    this.voiceProbability = module._rnnoise_process_frame(this.#state, outPointer, inPointer);
    heap = module.HEAPF32;
    const outBase = outPointer >> 2;
    for (let i = 0; i < RNNOISE_FRAME; i++) {
      const y = Math.round(heap[outBase + i] as number);
      wide[offset + i] = y > 32767 ? 32767 : y < -32768 ? -32768 : y;
    }
    this.stats.blocks++;
  }
}
