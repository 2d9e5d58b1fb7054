/**
 * Streaming sample-rate converter between any two of 8/16/24/32/48 kHz: the
 * Speex resampler (SpeexDSP `resample.c`, J.-M. Valin; windowed-sinc
 * polyphase filter, Kaiser window) running in WASM. One object per leg and
 * direction holds the filter history, so consecutive frames join without a
 * click: frame-by-frame output equals one-shot output sample for sample.
 *
 * Output counts are exact: every input whose length is a whole number of
 * 1/gcd(in, out) s periods (every 10/20/30 ms frame) yields exactly
 * length·out/in samples; other lengths yield ⌊⌋ or ⌈⌉ so the running total stays
 * exact. The filter delays the signal by `delaySamples` output samples.
 *
 * Create with `await createResampler(...)` (loads the WASM module once per
 * process); `process()` is synchronous and allocates nothing.
 */
import { loadSpeex, type SpeexModule } from './wasm/speex.js';

export const RESAMPLER_RATES = [8000, 16000, 24000, 32000, 48000] as const;
export type ResamplerRate = (typeof RESAMPLER_RATES)[number];

/**
 * Speex quality 0..10 (filter length 80 taps at 5). Measured with sine sweeps
 * (test/dsp/resampler.test.ts, docs/dsp.md): passband flat to 0.01 dB up to
 * 85% of the lower Nyquist frequency, aliases and images ≥ 85 dB down from
 * 115% of it, for a few µs per 20 ms frame. Quality 3 (Speex's "VoIP")
 * loses 1 dB at 3.4 kHz of an 8 kHz leg; 4 is flat to 0.02 dB.
 */
export const DEFAULT_RESAMPLER_QUALITY = 5;
/** Samples handed to WASM per call; larger inputs are processed in chunks. */
const CHUNK_SAMPLES = 4096;
const BYTES_PER_SAMPLE = 2;
const RESAMPLER_ERR_SUCCESS = 0;

export interface ResamplerOptions {
  readonly inputRate: number;
  readonly outputRate: number;
  /** Speex quality 0..10 (default `DEFAULT_RESAMPLER_QUALITY`). */
  readonly quality?: number;
}

export interface ResamplerStats {
  /** Input samples that did not fit the caller's output buffer and were dropped. */
  overflowSamples: number;
}

export function isResamplerRate(rate: number): rate is ResamplerRate {
  return (RESAMPLER_RATES as readonly number[]).includes(rate);
}

export async function createResampler(options: ResamplerOptions): Promise<Resampler> {
  const quality = options.quality ?? DEFAULT_RESAMPLER_QUALITY;
  for (const rate of [options.inputRate, options.outputRate]) {
    if (!isResamplerRate(rate)) throw new RangeError(`resampler rate ${rate} Hz is not one of ${RESAMPLER_RATES.join(', ')}`);
  }
  if (!Number.isInteger(quality) || quality < 0 || quality > 10) throw new RangeError(`resampler quality ${quality} is not an integer 0..10`);
  // Same rate: a copy, no WASM needed.
  const module = options.inputRate === options.outputRate ? undefined : await loadSpeex();
  return new Resampler(module, options.inputRate, options.outputRate, quality);
}

export class Resampler {
  readonly inputRate: number;
  readonly outputRate: number;
  readonly quality: number;
  /** Group delay of the filter, in output samples (0 for a same-rate copy). */
  readonly delaySamples: number;
  readonly stats: ResamplerStats = { overflowSamples: 0 };
  readonly #module: SpeexModule | undefined;
  #state = 0;
  /** WASM heap block: [in_len u32][out_len u32][input chunk i16…][output chunk i16…]. */
  #block = 0;
  readonly #outputChunk: number;

  /** Use `createResampler`; the constructor expects an already loaded module. */
  constructor(module: SpeexModule | undefined, inputRate: number, outputRate: number, quality: number) {
    this.#module = module;
    this.inputRate = inputRate;
    this.outputRate = outputRate;
    this.quality = quality;
    this.#outputChunk = Math.ceil((CHUNK_SAMPLES * outputRate) / inputRate) + 2;
    if (!module) {
      this.delaySamples = 0;
      return;
    }
    this.#block = module._malloc(8 + BYTES_PER_SAMPLE * (CHUNK_SAMPLES + this.#outputChunk));
    const errPointer = this.#block;
    this.#state = module._speex_resampler_init(1, inputRate, outputRate, quality, errPointer);
    if (this.#state === 0 || module.HEAP32[errPointer >> 2] !== RESAMPLER_ERR_SUCCESS) {
      module._free(this.#block);
      throw new RangeError(`speex_resampler_init(${inputRate}, ${outputRate}, ${quality}) failed`);
    }
    this.delaySamples = module._speex_resampler_get_output_latency(this.#state);
  }

  /** Output samples that `length` more input samples may produce at most (size buffers with it). */
  maxOutputLength(length: number): number {
    return Math.ceil((length * this.outputRate) / this.inputRate) + 1;
  }

  /**
   * Resamples `input[0..inputLength)` into `output`; returns the number of
   * samples written. Input that would overflow `output` is dropped and counted.
   */
  process(input: Int16Array, output: Int16Array, inputLength = input.length): number {
    const module = this.#module;
    if (!module) {
      const n = Math.min(inputLength, output.length);
      for (let i = 0; i < n; i++) output[i] = input[i] as number;
      this.stats.overflowSamples += inputLength - n;
      return n;
    }
    if (this.#state === 0) return 0;
    const inLenPointer = this.#block >> 2;
    const outLenPointer = inLenPointer + 1;
    const inSamples = (this.#block + 8) >> 1;
    const outSamples = inSamples + CHUNK_SAMPLES;
    let consumed = 0;
    let written = 0;
    while (consumed < inputLength) {
      const room = Math.min(this.#outputChunk, output.length - written);
      if (room <= 0) break;
      const chunk = Math.min(CHUNK_SAMPLES, inputLength - consumed);
      // Read the views on each call: another leg's allocation may have grown the heap.
      const heap16 = module.HEAP16;
      for (let i = 0; i < chunk; i++) heap16[inSamples + i] = input[consumed + i] as number;
      const heapU32 = module.HEAPU32;
      heapU32[inLenPointer] = chunk;
      heapU32[outLenPointer] = room;
      module._speex_resampler_process_int(this.#state, 0, inSamples << 1, inLenPointer << 2, outSamples << 1, outLenPointer << 2);
      const used = module.HEAPU32[inLenPointer] as number;
      const produced = module.HEAPU32[outLenPointer] as number;
      const heapOut = module.HEAP16;
      for (let i = 0; i < produced; i++) output[written + i] = heapOut[outSamples + i] as number;
      consumed += used;
      written += produced;
      if (used === 0 && produced === 0) break;
    }
    this.stats.overflowSamples += inputLength - consumed;
    return written;
  }

  /** Clears the filter history (a new stream on the same leg). */
  reset(): void {
    if (this.#module && this.#state !== 0) this.#module._speex_resampler_reset_mem(this.#state);
  }

  /** Frees the WASM state; idempotent. `process` writes nothing afterwards. */
  destroy(): void {
    if (!this.#module || this.#state === 0) return;
    this.#module._speex_resampler_destroy(this.#state);
    this.#module._free(this.#block);
    this.#state = 0;
    this.#block = 0;
  }
}
