/** Voice transforms on a leg's input (what the caller says, before anyone hears it). */

export type VoicePreset = 'female' | 'male' | 'child' | 'elder' | 'deep' | 'helium' | 'robot' | 'whisper' | 'anonymize';

/** Explicit parameters; a preset fills in the ones not given. */
export interface VoiceParameters {
  /** Pitch shift in semitones (−12…+12). */
  readonly pitchSemitones?: number;
  /** Formant (vocal tract) scale, 1 = unchanged (0.6…1.6). */
  readonly formantRatio?: number;
  /** McAdams coefficient for envelope warping, 1 = unchanged (0.5…1.5). */
  readonly mcAdamsAlpha?: number;
  /** 0…1: amount of noise excitation mixed in. */
  readonly breathiness?: number;
  /** Target speaker profile name (see voice profiles). */
  readonly profile?: string;
}

export interface VoiceSettings {
  readonly preset?: VoicePreset;
  readonly parameters?: VoiceParameters;
  /** Morph between this setting and `morphTo` (0 = this, 1 = that). */
  readonly morphTo?: { readonly preset?: VoicePreset; readonly parameters?: VoiceParameters };
  readonly morph?: number;
  /** What the leg gets when the transform falls behind; anonymize forces a non-voice fallback. */
  readonly fallback?: 'comfort-noise' | 'silence' | 'passthrough';
}

export interface VoiceStats {
  readonly active: boolean;
  readonly preset: string | null;
  readonly framesProcessed: number;
  /** Frames where the transform was not ready in time and the fallback was used. */
  readonly overruns: number;
  readonly workerRestarts: number;
}

export interface VoiceCommands {
  /** Sets (or with null clears) the leg's transform; changes cross-fade. */
  'leg.voice': { args: { legId: string; settings: VoiceSettings | null }; result: void };
  'leg.voice.stats': { args: { legId: string }; result: VoiceStats };
}

export type VoiceEvent = { readonly type: 'voice.worker-restarted'; readonly workerIndex: number; readonly legs: number };
