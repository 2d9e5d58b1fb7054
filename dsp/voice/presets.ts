/**
 * Presets and the resolved form every setting is turned into: a flat set of
 * numbers the processor ramps between, so a preset change, a morph and an
 * update cross-fade are all the same linear interpolation.
 */
import { uniform01 } from '../prng.js';
import type { VoiceParams, VoicePresetName, VoiceProfile, VoiceSpec } from './types.js';

export interface ResolvedVoice {
  /** Pitch shift, semitones (also shifts the monotone and target pitch). */
  semitones: number;
  /** ln(formant ratio). */
  logFormant: number;
  /** McAdams coefficient. */
  alpha: number;
  /** 0…1 noise share of the excitation. */
  breathiness: number;
  /** 0…1: how far the output pitch is pulled to `monotoneHz` (robot). */
  monotone: number;
  monotoneHz: number;
  /** Pitch vibrato depth (semitones, peak) and rate (elder). */
  vibratoDepth: number;
  vibratoHz: number;
  /** 0…1: how far pitch and formants follow `profile` (target speaker). */
  target: number;
  profile: VoiceProfile | null;
}

/** The parameters anonymize draws once per processor (per call) from its seed. */
export interface AnonymizeDraw {
  readonly alpha: number;
  readonly semitones: number;
  readonly formantRatio: number;
}

export const NEUTRAL_VOICE: Readonly<ResolvedVoice> = {
  semitones: 0,
  logFormant: 0,
  alpha: 1,
  breathiness: 0,
  monotone: 0,
  monotoneHz: 110,
  vibratoDepth: 0,
  vibratoHz: 5,
  target: 0,
  profile: null,
};

type PresetValues = Partial<Omit<ResolvedVoice, 'logFormant' | 'profile'>> & { formantRatio?: number };

/** The preset table (documented in docs/voice.md). anonymize's values come from its draw. */
export const PRESET_VALUES: Readonly<Record<Exclude<VoicePresetName, 'anonymize'>, PresetValues>> = {
  female: { semitones: 7, formantRatio: 1.17 },
  male: { semitones: -6, formantRatio: 0.86 },
  child: { semitones: 10, formantRatio: 1.3 },
  elder: { semitones: -2, formantRatio: 0.94, breathiness: 0.3, vibratoDepth: 0.35, vibratoHz: 5.5 },
  deep: { semitones: -9, formantRatio: 0.8 },
  helium: { semitones: 3, formantRatio: 1.5 },
  robot: { monotone: 1, monotoneHz: 110, breathiness: 0 },
  whisper: { breathiness: 1 },
};

/**
 * Ranges anonymize draws from: α ∈ [0.75, 0.9] ∪ [1.1, 1.25], pitch ±[2, 4.5] st (either way), formant
 * scale ×[1.03, 1.12] up with α < 1, ÷ that with α > 1.
 */
export const ANONYMIZE_RANGES = {
  alphaLow: [0.75, 0.9],
  alphaHigh: [1.1, 1.25],
  semitones: [2, 4.5],
  formantScale: [1.03, 1.12],
} as const;

/** Draws anonymize's parameters from a seed (xorshift32, so a seed always gives the same voice). */
export function drawAnonymize(seed: number): AnonymizeDraw {
  // Murmur3's finaliser first: xorshift from a small seed (1, 2, 3…) starts with small, similar numbers.
  let x = seed >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b) >>> 0;
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35) >>> 0;
  x = (x ^ (x >>> 16)) >>> 0 || 0x9e3779b9;
  const next = uniform01(x);
  const within = (range: readonly [number, number], u: number): number => range[0] + (range[1] - range[0]) * u;
  const lowAlpha = next() < 0.5;
  const alpha = lowAlpha ? within(ANONYMIZE_RANGES.alphaLow, next()) : within(ANONYMIZE_RANGES.alphaHigh, next());
  const sign = next() < 0.5 ? -1 : 1;
  const semitones = sign * within(ANONYMIZE_RANGES.semitones, next());
  // The formant scale goes the way α < 1 (up) or α > 1 (down) moves F1 and F2, so the two never cancel.
  const scale = within(ANONYMIZE_RANGES.formantScale, next());
  const formantRatio = lowAlpha ? scale : 1 / scale;
  return { alpha, semitones, formantRatio };
}

function presetValues(name: VoicePresetName | undefined, draw: AnonymizeDraw): PresetValues {
  if (name === undefined) return {};
  if (name === 'anonymize') return { alpha: draw.alpha, semitones: draw.semitones, formantRatio: draw.formantRatio };
  return PRESET_VALUES[name];
}

function resolveSetting(setting: { preset?: VoicePresetName; parameters?: VoiceParams }, draw: AnonymizeDraw): ResolvedVoice {
  const base = presetValues(setting.preset, draw);
  const p = setting.parameters ?? {};
  const { formantRatio, ...rest } = base;
  const voice: ResolvedVoice = { ...NEUTRAL_VOICE, ...rest, logFormant: Math.log(formantRatio ?? 1) };
  if (p.pitchSemitones !== undefined) voice.semitones = p.pitchSemitones;
  if (p.formantRatio !== undefined) voice.logFormant = Math.log(p.formantRatio);
  if (p.mcAdamsAlpha !== undefined) voice.alpha = p.mcAdamsAlpha;
  if (p.breathiness !== undefined) voice.breathiness = p.breathiness;
  if (p.profile !== undefined) {
    voice.profile = p.profile;
    voice.target = 1;
  }
  return voice;
}

/** a + (b − a)·w for every number; the profile comes from whichever side has one (b's when both). */
export function lerpVoice(a: Readonly<ResolvedVoice>, b: Readonly<ResolvedVoice>, w: number, into: ResolvedVoice = { ...NEUTRAL_VOICE }): ResolvedVoice {
  const mix = (x: number, y: number): number => x + (y - x) * w;
  into.semitones = mix(a.semitones, b.semitones);
  into.logFormant = mix(a.logFormant, b.logFormant);
  into.alpha = mix(a.alpha, b.alpha);
  into.breathiness = mix(a.breathiness, b.breathiness);
  into.monotone = mix(a.monotone, b.monotone);
  into.monotoneHz = mix(a.monotoneHz, b.monotoneHz);
  into.vibratoDepth = mix(a.vibratoDepth, b.vibratoDepth);
  into.vibratoHz = mix(a.vibratoHz, b.vibratoHz);
  into.target = mix(a.target, b.target);
  into.profile = b.profile ?? a.profile;
  return into;
}

/** Turns a validated spec into the numbers the processor runs on. */
export function resolveVoiceSpec(spec: VoiceSpec, draw: AnonymizeDraw): ResolvedVoice {
  const own = resolveSetting(spec, draw);
  if (spec.morphTo === undefined) return own;
  return lerpVoice(own, resolveSetting(spec.morphTo, draw), spec.morph ?? 0.5);
}
