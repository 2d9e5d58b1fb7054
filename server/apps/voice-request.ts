/**
 * Voice settings asked for at call setup: a Request-URI parameter
 * `;voice=<preset>` (e.g. `sip:echo@host;voice=female`) and an `X-Voice`
 * header with explicit parameters:
 *
 *   X-Voice: pitch=-3;formant=1.1;alpha=0.9;breathiness=0.2;fallback=silence
 *
 * Keys: preset, pitch (semitones), formant (ratio), alpha (McAdams),
 * breathiness, profile (target speaker), morph (0…1) with morph-to (a
 * preset), fallback. A header `preset` overrides the URI's. Malformed text
 * throws SipError 400; well-formed but unacceptable values (unknown preset,
 * out of range) throw SipError 488, with a message naming the key.
 */
import { validateVoiceSettings, VoiceSettingsError, type VoiceParameters, type VoicePreset, type VoiceSettings } from '../../media/index.js';
import { SipError } from '../sip/errors.js';
import { parseSipUri } from '../sip/uri.js';

export const VOICE_HEADER = 'X-Voice';
const MAX_HEADER_LENGTH = 512;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

interface Draft {
  preset?: string;
  parameters: { -readonly [K in keyof VoiceParameters]: VoiceParameters[K] };
  fallback?: string;
  morph?: number;
  morphTo?: string;
}

function number(key: string, text: string): number {
  if (!NUMBER.test(text)) throw new SipError(400, `${VOICE_HEADER}: ${key} must be a number (got "${text}")`);
  return Number(text);
}

/** One setter per header key. */
const KEYS: Readonly<Record<string, (draft: Draft, value: string) => void>> = {
  preset: (d, v) => (d.preset = v),
  pitch: (d, v) => (d.parameters.pitchSemitones = number('pitch', v)),
  formant: (d, v) => (d.parameters.formantRatio = number('formant', v)),
  alpha: (d, v) => (d.parameters.mcAdamsAlpha = number('alpha', v)),
  breathiness: (d, v) => (d.parameters.breathiness = number('breathiness', v)),
  profile: (d, v) => (d.parameters.profile = v),
  morph: (d, v) => (d.morph = number('morph', v)),
  'morph-to': (d, v) => (d.morphTo = v),
  fallback: (d, v) => (d.fallback = v),
};

function parseHeader(header: string, draft: Draft): void {
  if (header.length > MAX_HEADER_LENGTH) throw new SipError(400, `${VOICE_HEADER} is longer than ${MAX_HEADER_LENGTH} characters`);
  const seen = new Set<string>();
  for (const part of header.split(';')) {
    const item = part.trim();
    if (item === '') continue;
    const eq = item.indexOf('=');
    const key = (eq < 0 ? item : item.slice(0, eq)).trim().toLowerCase();
    const value = eq < 0 ? '' : item.slice(eq + 1).trim();
    const set = Object.hasOwn(KEYS, key) ? KEYS[key] : undefined;
    if (set === undefined) throw new SipError(400, `${VOICE_HEADER}: unknown key "${key}" (known: ${Object.keys(KEYS).join(', ')})`);
    if (value === '') throw new SipError(400, `${VOICE_HEADER}: ${key} needs a value`);
    if (seen.has(key)) throw new SipError(400, `${VOICE_HEADER}: ${key} given twice`);
    seen.add(key);
    set(draft, value);
  }
}

function uriPreset(requestUri: string): string | undefined {
  const uri = parseSipUri(requestUri);
  const param = uri?.params.find((p) => p.name.toLowerCase() === 'voice');
  if (param === undefined) return undefined;
  if (param.value === null || param.value === '') throw new SipError(400, 'Request-URI parameter voice needs a preset (;voice=female)');
  return param.value.toLowerCase();
}

/** The settings the request asks for, or null when it asks for no transform. */
export function voiceSettingsFromRequest(requestUri: string, header: string | undefined): VoiceSettings | null {
  const draft: Draft = { parameters: {} };
  const preset = uriPreset(requestUri);
  if (preset !== undefined) draft.preset = preset;
  if (header !== undefined) parseHeader(header, draft);
  const hasParameters = Object.keys(draft.parameters).length > 0;
  if (draft.preset === undefined && !hasParameters && draft.morphTo === undefined) {
    if (draft.fallback !== undefined || draft.morph !== undefined) {
      throw new SipError(400, `${VOICE_HEADER}: fallback and morph need a preset or parameters`);
    }
    return null;
  }
  const settings = {
    ...(draft.preset !== undefined ? { preset: draft.preset as VoicePreset } : {}),
    ...(hasParameters ? { parameters: draft.parameters } : {}),
    ...(draft.morphTo !== undefined ? { morphTo: { preset: draft.morphTo as VoicePreset } } : {}),
    ...(draft.morph !== undefined ? { morph: draft.morph } : {}),
    ...(draft.fallback !== undefined ? { fallback: draft.fallback } : {}),
  };
  try {
    return validateVoiceSettings(settings);
  } catch (error) {
    if (error instanceof VoiceSettingsError) throw new SipError(488, error.message, { cause: error });
    throw error;
  }
}
