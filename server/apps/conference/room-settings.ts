/**
 * A room's settings: config defaults, overridden by the room's definition in
 * config (if any), overridden by what the admin API asked for at creation.
 */
import type { ConferenceConfig, RoomDefinitionConfig } from '../../../config/sections/conference.js';
import type { RoomOptions, RoomSampleRate } from '../../../media/index.js';
import type { RoomCreateOptions } from '../../control/rooms.js';

export interface RoomSettings {
  readonly media: RoomOptions;
  /** null: no limit. */
  readonly maxParticipants: number | null;
  readonly pin: string | null;
  readonly locked: boolean;
}

export const ROOM_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

export function roomSettings(config: ConferenceConfig, definition: RoomDefinitionConfig | undefined, requested: RoomCreateOptions = {}): RoomSettings {
  const d = config.defaults;
  const pick = <K extends keyof RoomDefinitionConfig & keyof typeof d>(key: K): NonNullable<(typeof d)[K]> =>
    (definition?.[key] ?? d[key]) as NonNullable<(typeof d)[K]>;
  const maxParticipants = requested.maxParticipants !== undefined ? requested.maxParticipants : pick('maxParticipants');
  return {
    media: {
      sampleRate: (requested.sampleRate ?? pick('sampleRate')) as RoomSampleRate,
      maxTalkers: requested.maxTalkers ?? pick('maxTalkers'),
      talkerThresholdDb: d.talkerThresholdDb,
      talkerHangoverMs: d.talkerHangoverMs,
      talkerDetection: d.talkerDetection,
      dsp: { noiseSuppression: pick('noiseSuppression'), agc: pick('agc'), echoCancellation: pick('echoCancellation') },
      joinLeaveTones: requested.joinLeaveTones ?? pick('joinLeaveTones'),
    },
    maxParticipants: maxParticipants === null || maxParticipants === 0 ? null : maxParticipants,
    pin: requested.pin ?? definition?.pin ?? null,
    locked: requested.locked ?? false,
  };
}
