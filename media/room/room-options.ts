/**
 * Validation of room options and participant settings at the engine boundary
 * (they may arrive over a MessagePort): pure functions that either return a
 * checked value or throw MediaError ERR_INVALID_ARGS naming the field.
 */
import { MediaError } from '../errors.js';
import type { ParticipantSettings, RoomOptions, RoomSampleRate } from '../protocol.js';

export const ROOM_RATES: readonly RoomSampleRate[] = [8000, 16000, 48000];
/** Volume controls are clamped to this range (dB). */
export const VOLUME_LIMIT_DB = 24;
export const MAX_TALKERS_LIMIT = 32;

export const DEFAULT_PARTICIPANT_SETTINGS: ParticipantSettings = { muted: false, deaf: false, volumeInDb: 0, volumeOutDb: 0 };

function invalid(what: string): MediaError {
  return new MediaError('ERR_INVALID_ARGS', what);
}

function finite(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw invalid(`room.create: options.${name} must be a number from ${min} to ${max}`);
  }
  return value;
}

function flag(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean') throw invalid(`${name} must be true or false`);
  return value;
}

export function validateRoomId(value: unknown, command: string): string {
  if (typeof value !== 'string' || value === '') throw invalid(`${command}: roomId must be a non-empty string`);
  return value;
}

/** Checks `options` (every field required, as the contract says); returns a frozen copy. */
export function validateRoomOptions(options: RoomOptions): RoomOptions {
  if (typeof options !== 'object' || options === null) throw invalid('room.create: options must be an object');
  if (!ROOM_RATES.includes(options.sampleRate)) throw invalid(`room.create: options.sampleRate must be one of ${ROOM_RATES.join(', ')}`);
  const maxTalkers = finite(options.maxTalkers, 'maxTalkers', 1, MAX_TALKERS_LIMIT);
  if (!Number.isInteger(maxTalkers)) throw invalid('room.create: options.maxTalkers must be an integer');
  const dsp = options.dsp as RoomOptions['dsp'] | undefined;
  if (typeof dsp !== 'object' || dsp === null) throw invalid('room.create: options.dsp must be an object');
  const detection = options.talkerDetection ?? 'vad';
  if (detection !== 'vad' && detection !== 'level') throw invalid('room.create: options.talkerDetection must be vad or level');
  return Object.freeze({
    sampleRate: options.sampleRate,
    maxTalkers,
    talkerThresholdDb: finite(options.talkerThresholdDb, 'talkerThresholdDb', -127, 0),
    talkerHangoverMs: finite(options.talkerHangoverMs, 'talkerHangoverMs', 0, 10_000),
    dsp: Object.freeze({
      noiseSuppression: flag(dsp.noiseSuppression, 'room.create: options.dsp.noiseSuppression'),
      agc: flag(dsp.agc, 'room.create: options.dsp.agc'),
      echoCancellation: flag(dsp.echoCancellation, 'room.create: options.dsp.echoCancellation'),
    }),
    joinLeaveTones: flag(options.joinLeaveTones, 'room.create: options.joinLeaveTones'),
    talkerDetection: detection,
  });
}

function clampVolume(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(`participant ${name} must be a finite number of dB`);
  return Math.max(-VOLUME_LIMIT_DB, Math.min(VOLUME_LIMIT_DB, value));
}

/** Applies a partial update to `current`: booleans checked, volumes clamped to ±24 dB. */
export function mergeSettings(current: ParticipantSettings, update: Partial<ParticipantSettings> | undefined): ParticipantSettings {
  if (update === undefined) return current;
  if (typeof update !== 'object' || update === null) throw invalid('participant settings must be an object');
  return {
    muted: update.muted === undefined ? current.muted : flag(update.muted, 'participant muted'),
    deaf: update.deaf === undefined ? current.deaf : flag(update.deaf, 'participant deaf'),
    volumeInDb: update.volumeInDb === undefined ? current.volumeInDb : clampVolume(update.volumeInDb, 'volumeInDb'),
    volumeOutDb: update.volumeOutDb === undefined ? current.volumeOutDb : clampVolume(update.volumeOutDb, 'volumeOutDb'),
  };
}

export function dbToGain(db: number): number {
  return 10 ** (db / 20);
}
