/**
 * Validation of `VoiceSettings` at the engine boundary (the `leg.voice`
 * command, SIP headers): a pure function that returns the settings or throws
 * a `VoiceSettingsError` whose message names the offending field.
 */
import type { VoiceParameters, VoicePreset, VoiceSettings } from '../protocol.js';

export const VOICE_PRESETS: readonly VoicePreset[] = ['female', 'male', 'child', 'elder', 'deep', 'helium', 'robot', 'whisper', 'anonymize'];
export const VOICE_FALLBACKS = ['comfort-noise', 'silence', 'passthrough'] as const;
export type VoiceFallback = (typeof VOICE_FALLBACKS)[number];

export class VoiceSettingsError extends Error {
  override readonly name = 'VoiceSettingsError';
  readonly code = 'ERR_VOICE_SETTINGS';
}

/** Numeric parameters and their ranges (see VoiceParameters). */
const NUMERIC_RANGES: Readonly<Record<Exclude<keyof VoiceParameters, 'profile'>, readonly [number, number]>> = {
  pitchSemitones: [-12, 12],
  formantRatio: [0.6, 1.6],
  mcAdamsAlpha: [0.5, 1.5],
  breathiness: [0, 1],
};

/** Profile names are file names inside `voice.profilesDir` (NAME.json): no paths; same alphabet as the REST profile store. */
const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function onlyKeys(value: Record<string, unknown>, allowed: readonly string[], where: string): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) throw new VoiceSettingsError(`${where}: unknown field "${key}" (allowed: ${allowed.join(', ')})`);
  }
}

function validatePreset(value: unknown, where: string): VoicePreset {
  if (typeof value !== 'string' || !(VOICE_PRESETS as readonly string[]).includes(value)) {
    throw new VoiceSettingsError(`${where} must be one of ${VOICE_PRESETS.join(', ')} (got ${JSON.stringify(value)})`);
  }
  return value as VoicePreset;
}

function validateParameters(value: unknown, where: string): VoiceParameters {
  if (!isRecord(value)) throw new VoiceSettingsError(`${where} must be an object`);
  onlyKeys(value, [...Object.keys(NUMERIC_RANGES), 'profile'], where);
  for (const [key, [min, max]] of Object.entries(NUMERIC_RANGES)) {
    const v = value[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
      throw new VoiceSettingsError(`${where}.${key} must be a number from ${min} to ${max} (got ${JSON.stringify(v)})`);
    }
  }
  const profile = value['profile'];
  if (profile !== undefined && (typeof profile !== 'string' || !PROFILE_NAME.test(profile))) {
    throw new VoiceSettingsError(`${where}.profile must be a profile name (letters, digits, _ -; got ${JSON.stringify(profile)})`);
  }
  return value as VoiceParameters;
}

/** One side of a setting: a preset and/or explicit parameters, at least one of them. */
function validateSide(value: Record<string, unknown>, where: string): void {
  if (value['preset'] !== undefined) validatePreset(value['preset'], `${where}.preset`);
  if (value['parameters'] !== undefined) validateParameters(value['parameters'], `${where}.parameters`);
  if (value['preset'] === undefined && value['parameters'] === undefined) {
    throw new VoiceSettingsError(`${where} needs a preset or parameters`);
  }
}

/** Returns `value` as VoiceSettings, or throws VoiceSettingsError naming what is wrong. */
export function validateVoiceSettings(value: unknown): VoiceSettings {
  if (!isRecord(value)) throw new VoiceSettingsError('voice settings must be an object');
  onlyKeys(value, ['preset', 'parameters', 'morphTo', 'morph', 'fallback'], 'voice');
  validateSide(value, 'voice');
  const morphTo = value['morphTo'];
  const morph = value['morph'];
  if (morphTo !== undefined) {
    if (!isRecord(morphTo)) throw new VoiceSettingsError('voice.morphTo must be an object');
    onlyKeys(morphTo, ['preset', 'parameters'], 'voice.morphTo');
    validateSide(morphTo, 'voice.morphTo');
  }
  if (morph !== undefined) {
    if (typeof morph !== 'number' || !Number.isFinite(morph) || morph < 0 || morph > 1) {
      throw new VoiceSettingsError(`voice.morph must be a number from 0 to 1 (got ${JSON.stringify(morph)})`);
    }
    if (morphTo === undefined) throw new VoiceSettingsError('voice.morph needs voice.morphTo');
  }
  const fallback = value['fallback'];
  if (fallback !== undefined && (typeof fallback !== 'string' || !(VOICE_FALLBACKS as readonly string[]).includes(fallback))) {
    throw new VoiceSettingsError(`voice.fallback must be one of ${VOICE_FALLBACKS.join(', ')} (got ${JSON.stringify(fallback)})`);
  }
  return value as VoiceSettings;
}

/** Whether the settings anonymise the caller (then the raw voice must never leak). */
export function anonymizes(settings: VoiceSettings): boolean {
  return settings.preset === 'anonymize' || settings.morphTo?.preset === 'anonymize';
}

/** The fallback a leg actually gets: the setting's, else the configured one, never passthrough when anonymising. */
export function effectiveFallback(settings: VoiceSettings, configured: VoiceFallback): VoiceFallback {
  const wanted = settings.fallback ?? configured;
  return wanted === 'passthrough' && anonymizes(settings) ? 'comfort-noise' : wanted;
}
