/** dsp/: pure processors over Int16Array/Float32Array (no timers, sockets or logging). */
export { PacketLossConcealer, DEFAULT_FADE_MS, type PlcOptions } from './plc.js';
export { RealFft } from './fft.js';
export {
  createResampler,
  Resampler,
  isResamplerRate,
  RESAMPLER_RATES,
  DEFAULT_RESAMPLER_QUALITY,
  type ResamplerOptions,
  type ResamplerRate,
  type ResamplerStats,
} from './resampler.js';
export { createVad, VoiceActivityDetector, VAD_RATES, DEFAULT_VAD_MODE, type VadMode, type VadOptions, type VadStats } from './vad.js';
export { LevelMeter, meanSquare, powerToDbov, rfc6464Level, DBFS_MINUS_DBOV, RFC6464_SILENCE } from './level.js';
export { SpectralNoiseSuppressor, DEFAULT_MAX_ATTENUATION_DB, type NoiseSuppressorOptions, type NoiseSuppressorStats } from './noise-suppressor.js';
export { createRnnoiseSuppressor, RnnoiseSuppressor, RNNOISE_RATE, type RnnoiseOptions, type RnnoiseStats } from './rnnoise.js';
export { AutomaticGainControl, DEFAULT_TARGET_DBFS, type AgcOptions, type AgcStats } from './agc.js';
export { WasmLoadError } from './wasm/emscripten.js';
export {
  EchoCanceller,
  AEC_RATES,
  DEFAULT_TAIL_MS,
  DEFAULT_MAX_DELAY_MS,
  type EchoCancellerOptions,
  type EchoCancellerStats,
} from './aec/echo-canceller.js';
export { DTMF_ROW_HZ, DTMF_COLUMN_HZ, DTMF_KEYPAD, isDtmfDigit, type DtmfDigit } from './dtmf-tables.js';
export { DtmfDetector, DEFAULT_MIN_TONE_DBFS, type DtmfDetectorOptions, type DtmfEvent } from './dtmf-detector.js';
export {
  DtmfGenerator,
  renderDtmf,
  DEFAULT_DTMF_TONE_MS,
  DEFAULT_DTMF_PAUSE_MS,
  DEFAULT_DTMF_LOW_DBFS,
  DEFAULT_DTMF_HIGH_DBFS,
  type DtmfGeneratorOptions,
} from './dtmf-generator.js';
export { TonePlayer, TONE_PATTERNS, TONE_LEVEL_DBFS, type TonePattern, type TonePatternName, type TonePlayerOptions, type ToneSegment } from './tones.js';
export {
  ComfortNoiseGenerator,
  analyseComfortNoise,
  encodeComfortNoise,
  decodeComfortNoise,
  DEFAULT_CN_ORDER,
  CN_MAX_ATTENUATION_DB,
  type ComfortNoiseOptions,
  type ComfortNoiseParameters,
} from './comfort-noise.js';
