/**
 * From the contract's `VoiceSettings` to the processor's `VoiceSpec`: target
 * speaker profiles are named in settings and stored as JSON files
 * (`<voice.profilesDir>/<name>.json`, a `VoiceProfile` as built by
 * dsp/voice's `buildVoiceProfile`); the spec carries the loaded profile. The
 * result is checked by dsp/voice's own `validateVoiceSpec`, so the media
 * thread refuses what a worker would refuse.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { validateVoiceSpec, type VoiceParams, type VoiceProfile, type VoiceSpec } from '../../dsp/voice/index.js';
import type { VoiceParameters, VoiceSettings } from '../protocol.js';
import { VoiceSettingsError } from './settings.js';

async function loadProfile(profilesDir: string, name: string): Promise<VoiceProfile> {
  const file = join(resolve(profilesDir), `${name}.json`);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new VoiceSettingsError(`voice profile "${name}" not found (${file})`, { cause: error });
  }
  try {
    return JSON.parse(text) as VoiceProfile;
  } catch (error) {
    throw new VoiceSettingsError(`voice profile "${name}" is not valid JSON (${file})`, { cause: error });
  }
}

async function params(parameters: VoiceParameters | undefined, profilesDir: string): Promise<VoiceParams | undefined> {
  if (parameters === undefined) return undefined;
  const { profile, ...rest } = parameters;
  return profile === undefined ? { ...rest } : { ...rest, profile: await loadProfile(profilesDir, profile) };
}

/** The processor spec for `settings` (already through `validateVoiceSettings`); throws VoiceSettingsError. */
export async function buildVoiceSpec(settings: VoiceSettings, profilesDir: string): Promise<VoiceSpec> {
  const [parameters, morphParameters] = await Promise.all([params(settings.parameters, profilesDir), params(settings.morphTo?.parameters, profilesDir)]);
  const spec: VoiceSpec = {
    ...(settings.preset !== undefined ? { preset: settings.preset } : {}),
    ...(parameters !== undefined ? { parameters } : {}),
    ...(settings.morphTo !== undefined
      ? {
          morphTo: {
            ...(settings.morphTo.preset !== undefined ? { preset: settings.morphTo.preset } : {}),
            ...(morphParameters !== undefined ? { parameters: morphParameters } : {}),
          },
        }
      : {}),
    ...(settings.morph !== undefined ? { morph: settings.morph } : {}),
  };
  try {
    return validateVoiceSpec(spec);
  } catch (error) {
    throw new VoiceSettingsError(error instanceof Error ? error.message : String(error), { cause: error });
  }
}
