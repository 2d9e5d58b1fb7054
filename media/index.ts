/** media/: the public surface the control plane imports. */
export * from './protocol.js';
export { InProcessEngine, type InProcessEngineOptions } from './in-process-engine.js';
export { MediaError, type MediaErrorCode } from './errors.js';
export { createMediaClock, FRAME_MS, type MediaClock, type ClockTick } from './media-clock.js';
export { ManualClock } from './manual-clock.js';
export { validateVoiceSettings, VoiceSettingsError } from './voice/index.js';
export { parseWav, downmix, WavFormatError, type PcmAudio } from './recording/index.js';
