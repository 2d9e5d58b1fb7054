/** Loader for the Speex resampler (SpeexDSP `resample.c`) compiled to WASM. */
import { once, requireExports, type EmscriptenModule } from './emscripten.js';

export interface SpeexModule extends EmscriptenModule {
  /** `speex_resampler_init(channels, in_rate, out_rate, quality, *err)` → state pointer (0 on error). */
  _speex_resampler_init(channels: number, inRate: number, outRate: number, quality: number, errPointer: number): number;
  _speex_resampler_destroy(state: number): void;
  /** `(state, channel, in, *in_len, out, *out_len)`: lengths are in/out uint32 pointers. */
  _speex_resampler_process_int(state: number, channel: number, input: number, inLen: number, output: number, outLen: number): number;
  _speex_resampler_reset_mem(state: number): number;
  _speex_resampler_skip_zeros(state: number): number;
  _speex_resampler_get_input_latency(state: number): number;
  _speex_resampler_get_output_latency(state: number): number;
}

const FUNCTIONS = [
  '_speex_resampler_init',
  '_speex_resampler_destroy',
  '_speex_resampler_process_int',
  '_speex_resampler_reset_mem',
  '_speex_resampler_skip_zeros',
  '_speex_resampler_get_input_latency',
  '_speex_resampler_get_output_latency',
];

/** The SIMD build when the runtime has WASM SIMD (Node ≥ 16 does), else the scalar one. */
export const loadSpeex = once(async (): Promise<SpeexModule> => {
  let module: unknown;
  try {
    module = await (await import('@echogarden/speex-resampler-wasm/simd')).default();
  } catch {
    module = await (await import('@echogarden/speex-resampler-wasm')).default();
  }
  return requireExports<SpeexModule>(module, 'speex-resampler', FUNCTIONS);
});
