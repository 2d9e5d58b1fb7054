/** media/voice/: the voice-transform host (rings, worker pool, leg stage) and settings validation. */
export { SpscRing } from './spsc-ring.js';
export { CollectBudget } from './collect-budget.js';
export { VoiceWorkerPool, type PoolLeg, type PoolAssignment, type VoicePoolOptions } from './voice-pool.js';
export { VoiceStage, type VoiceStageOptions, type VoiceStageCounters } from './voice-stage.js';
export {
  validateVoiceSettings,
  anonymizes,
  effectiveFallback,
  VoiceSettingsError,
  VOICE_PRESETS,
  VOICE_FALLBACKS,
  type VoiceFallback,
} from './settings.js';
export type { VoiceProcessor, VoiceProcessorModule } from './processor.js';
