/** Public types of the voice transforms (see index.ts for the functions). */

export type VoicePresetName = 'female' | 'male' | 'child' | 'elder' | 'deep' | 'helium' | 'robot' | 'whisper' | 'anonymize';

/** Explicit parameters; a preset fills in the ones not given. */
export interface VoiceParams {
  /** Pitch shift in semitones, −12…+12. */
  pitchSemitones?: number;
  /** Formant (vocal-tract) scale, 1 = unchanged, 0.6…1.6. */
  formantRatio?: number;
  /** McAdams coefficient of the envelope warp (φ → φ^α), 1 = unchanged, 0.5…1.5. */
  mcAdamsAlpha?: number;
  /** 0…1: share of noise in the excitation (1 = whisper). */
  breathiness?: number;
  /** Convert towards this target speaker (pitch and formants adapt to the caller). */
  profile?: VoiceProfile;
}

export interface VoiceSpec {
  preset?: VoicePresetName;
  parameters?: VoiceParams;
  /** A second setting to morph towards (0 = this one, 1 = `morphTo`). */
  morphTo?: { preset?: VoicePresetName; parameters?: VoiceParams };
  morph?: number;
}

export interface VoiceProcessor {
  readonly sampleRate: number;
  /** Algorithmic latency in samples (output lags input by exactly this much). */
  readonly latencySamples: number;
  /** Streams one frame: output.length === input.length (any frame size, typically 20 ms). */
  process(input: Int16Array, output: Int16Array): void;
  /** Changes settings mid-stream with a click-free cross-fade of `fadeMs` (default 30 ms). */
  update(spec: VoiceSpec, fadeMs?: number): void;
  reset(): void;
}

/** Statistics of a target speaker, built by `buildVoiceProfile` from ≥ 10 s of speech. */
export interface VoiceProfile {
  name: string;
  sampleRate: number;
  /** Median F0 over voiced frames, Hz. */
  f0Median: number;
  /** 5th and 95th percentiles of F0, Hz. */
  f0Range: [number, number];
  /** Median F1, F2, F3 over voiced frames, Hz. */
  formants: number[];
  /** Mean LPC envelope over voiced frames, dB, in bands 250 Hz wide from 0 Hz (statistics only). */
  envelope?: number[];
  /** Seconds of voiced speech the statistics come from. */
  voicedSeconds?: number;
}
