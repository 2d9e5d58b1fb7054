/**
 * dsp/voice: real-time voice transforms (pitch, formants, presets,
 * anonymisation, target speaker) as pure streaming processors over Int16
 * frames. No timers, sockets or logging; the media host runs them in worker
 * threads. Algorithms and measured figures: docs/voice.md.
 */
import { VoiceError } from './errors.js';
import { drawAnonymize } from './presets.js';
import { validateVoiceSpec } from './validate.js';
import { LpcPsolaVoiceProcessor } from './voice-processor.js';
import type { VoiceProcessor, VoiceSpec } from './types.js';

export type { VoicePresetName, VoiceParams, VoiceSpec, VoiceProcessor, VoiceProfile } from './types.js';
export { VoiceError, type VoiceErrorCode } from './errors.js';
export { validateVoiceSpec, VOICE_PRESETS, PARAMETER_RANGES } from './validate.js';
export { buildVoiceProfile, MIN_PROFILE_SECONDS } from './profile.js';
export { PRESET_VALUES, ANONYMIZE_RANGES, drawAnonymize, type AnonymizeDraw } from './presets.js';
export { DEFAULT_FADE_MS, LpcPsolaVoiceProcessor, type VoiceProcessorStats } from './voice-processor.js';

export const VOICE_RATES = [8000, 16000, 48000] as const;

/**
 * A streaming processor for `spec` at `sampleRate`. `seed` fixes anonymize's
 * per-call random draw (without it the draw is random). Throws VoiceError
 * (ERR_VOICE_SPEC, ERR_VOICE_RATE) on a bad spec or rate.
 */
export function createVoiceProcessor(spec: VoiceSpec, sampleRate: 8000 | 16000 | 48000, seed?: number): VoiceProcessor {
  if (!VOICE_RATES.includes(sampleRate)) {
    throw new VoiceError('ERR_VOICE_RATE', `voice processor: sample rate must be one of ${VOICE_RATES.join(', ')}, got ${String(sampleRate)}`);
  }
  const draw = drawAnonymize(seed ?? Math.floor(Math.random() * 0xffffffff));
  return new LpcPsolaVoiceProcessor(validateVoiceSpec(spec), sampleRate, draw);
}
