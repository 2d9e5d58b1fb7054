/** Loader for libfvad (the WebRTC VAD, `webrtc/common_audio/vad`) compiled to WASM. */
import { once, requireExports, type EmscriptenModule } from './emscripten.js';

export interface FvadModule extends EmscriptenModule {
  _fvad_new(): number;
  _fvad_free(handle: number): void;
  _fvad_reset(handle: number): void;
  /** Aggressiveness 0 (quality) .. 3 (very aggressive); returns 0 or -1. */
  _fvad_set_mode(handle: number, mode: number): number;
  /** 8000, 16000, 32000 or 48000; returns 0 or -1. */
  _fvad_set_sample_rate(handle: number, rate: number): number;
  /** Classifies a 10, 20 or 30 ms frame: 1 voice, 0 not, -1 bad length. */
  _fvad_process(handle: number, frame: number, length: number): number;
}

const FUNCTIONS = ['_fvad_new', '_fvad_free', '_fvad_reset', '_fvad_set_mode', '_fvad_set_sample_rate', '_fvad_process'];

export const loadFvad = once(async (): Promise<FvadModule> => {
  const module: unknown = await (await import('@echogarden/fvad-wasm')).default();
  return requireExports<FvadModule>(module, 'fvad', FUNCTIONS);
});
