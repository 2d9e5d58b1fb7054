/** Loader for RNNoise (Valin 2018, xiph/rnnoise) compiled to WASM. */
import { once, requireExports, type EmscriptenModule } from './emscripten.js';

export interface RnnoiseModule extends EmscriptenModule {
  /** `rnnoise_create(model)`: pass 0 for the built-in model. */
  _rnnoise_create(model: number): number;
  _rnnoise_destroy(state: number): void;
  /** `rnnoise_init(state, model)`: re-initialises a state in place (0 = built-in model). */
  _rnnoise_init(state: number, model: number): number;
  /** Samples per frame (480 = 10 ms at 48 kHz). */
  _rnnoise_get_frame_size(): number;
  /** Denoises one frame of floats in the int16 range; returns the voice probability 0..1. */
  _rnnoise_process_frame(state: number, output: number, input: number): number;
}

const FUNCTIONS = ['_rnnoise_create', '_rnnoise_destroy', '_rnnoise_init', '_rnnoise_get_frame_size', '_rnnoise_process_frame'];

export const loadRnnoise = once(async (): Promise<RnnoiseModule> => {
  const module: unknown = await (await import('@echogarden/rnnoise-wasm')).default();
  return requireExports<RnnoiseModule>(module, 'rnnoise', FUNCTIONS);
});
