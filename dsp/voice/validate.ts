/**
 * `validateVoiceSpec`: checks an untrusted value (REST body, SIP header,
 * worker message) and returns it typed, or throws VoiceError('ERR_VOICE_SPEC')
 * with a message naming the bad field and its allowed range.
 */
import { VoiceError } from './errors.js';
import type { VoiceParams, VoicePresetName, VoiceProfile, VoiceSpec } from './types.js';

export const VOICE_PRESETS: readonly VoicePresetName[] = ['female', 'male', 'child', 'elder', 'deep', 'helium', 'robot', 'whisper', 'anonymize'];

/** Allowed ranges of the numeric parameters, inclusive. */
export const PARAMETER_RANGES = {
  pitchSemitones: [-12, 12],
  formantRatio: [0.6, 1.6],
  mcAdamsAlpha: [0.5, 1.5],
  breathiness: [0, 1],
} as const satisfies Record<string, readonly [number, number]>;

/** With `anonymize`, an explicit McAdams α must stay this far from 1 (the raw envelope never passes). */
export const ANONYMIZE_MIN_ALPHA_DISTANCE = 0.1;

/** Keys a host may leave on the settings object; they are not ours and are dropped. */
const HOST_KEYS = new Set(['fallback']);

type Path = string;

function fail(path: Path, message: string): never {
  throw new VoiceError('ERR_VOICE_SPEC', `voice spec: ${path} ${message}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkKeys(value: Record<string, unknown>, allowed: readonly string[], path: Path, ignore: ReadonlySet<string> = new Set()): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key) && !ignore.has(key)) fail(`${path}.${key}`, `is not a known field (allowed: ${allowed.join(', ')})`);
  }
}

function number(value: unknown, path: Path, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    fail(path, `must be a number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function preset(value: unknown, path: Path): VoicePresetName {
  const found = VOICE_PRESETS.find((name) => name === value);
  if (found === undefined) fail(path, `must be one of ${VOICE_PRESETS.join(', ')}, got ${JSON.stringify(value)}`);
  return found;
}

function profile(value: unknown, path: Path): VoiceProfile {
  if (!isRecord(value)) fail(path, 'must be a voice profile object (from buildVoiceProfile)');
  if (typeof value.name !== 'string' || value.name.length === 0) fail(`${path}.name`, 'must be a non-empty string');
  const sampleRate = number(value.sampleRate, `${path}.sampleRate`, 8000, 192000);
  const f0Median = number(value.f0Median, `${path}.f0Median`, 40, 1000);
  const range = value.f0Range;
  if (!Array.isArray(range) || range.length !== 2) fail(`${path}.f0Range`, 'must be [low, high] in Hz');
  const low = number(range[0], `${path}.f0Range[0]`, 40, 1000);
  const high = number(range[1], `${path}.f0Range[1]`, low, 1000);
  const formants = value.formants;
  if (!Array.isArray(formants) || formants.length < 2) fail(`${path}.formants`, 'must list at least F1 and F2 in Hz');
  const checkedFormants = formants.map((f: unknown, i) => number(f, `${path}.formants[${i}]`, 100, 8000));
  const result: VoiceProfile = { name: value.name, sampleRate, f0Median, f0Range: [low, high], formants: checkedFormants };
  if (value.envelope !== undefined) {
    if (!Array.isArray(value.envelope)) fail(`${path}.envelope`, 'must be an array of dB values');
    result.envelope = value.envelope.map((v: unknown, i) => number(v, `${path}.envelope[${i}]`, -400, 400));
  }
  if (value.voicedSeconds !== undefined) result.voicedSeconds = number(value.voicedSeconds, `${path}.voicedSeconds`, 0, 1e7);
  return result;
}

const PARAM_KEYS = ['pitchSemitones', 'formantRatio', 'mcAdamsAlpha', 'breathiness', 'profile'] as const;

function parameters(value: unknown, path: Path): VoiceParams {
  if (!isRecord(value)) fail(path, 'must be an object');
  checkKeys(value, PARAM_KEYS, path);
  const result: VoiceParams = {};
  for (const key of Object.keys(PARAMETER_RANGES) as (keyof typeof PARAMETER_RANGES)[]) {
    const [min, max] = PARAMETER_RANGES[key];
    if (value[key] !== undefined) result[key] = number(value[key], `${path}.${key}`, min, max);
  }
  if (value.profile !== undefined) result.profile = profile(value.profile, `${path}.profile`);
  return result;
}

function setting(value: Record<string, unknown>, path: Path): { preset?: VoicePresetName; parameters?: VoiceParams } {
  const result: { preset?: VoicePresetName; parameters?: VoiceParams } = {};
  if (value.preset !== undefined) result.preset = preset(value.preset, `${path}.preset`);
  if (value.parameters !== undefined) result.parameters = parameters(value.parameters, `${path}.parameters`);
  const alpha = result.parameters?.mcAdamsAlpha;
  if (result.preset === 'anonymize' && alpha !== undefined && Math.abs(alpha - 1) < ANONYMIZE_MIN_ALPHA_DISTANCE) {
    fail(`${path}.parameters.mcAdamsAlpha`, `must be ≤ ${1 - ANONYMIZE_MIN_ALPHA_DISTANCE} or ≥ ${1 + ANONYMIZE_MIN_ALPHA_DISTANCE} with the anonymize preset`);
  }
  return result;
}

export function validateVoiceSpec(spec: unknown): VoiceSpec {
  if (!isRecord(spec)) fail('(root)', 'must be an object like { preset: "female" }');
  checkKeys(spec, ['preset', 'parameters', 'morphTo', 'morph'], 'spec', HOST_KEYS);
  const result: VoiceSpec = setting(spec, 'spec');
  if (spec.morphTo !== undefined) {
    if (!isRecord(spec.morphTo)) fail('spec.morphTo', 'must be an object with preset and/or parameters');
    checkKeys(spec.morphTo, ['preset', 'parameters'], 'spec.morphTo');
    result.morphTo = setting(spec.morphTo, 'spec.morphTo');
  }
  if (spec.morph !== undefined) result.morph = number(spec.morph, 'spec.morph', 0, 1);
  return result;
}
