/** JSON Schemas (TypeBox) shared by the admin routes; they feed validation, serialization and /openapi.json. */
import { Type, type TSchema } from '@sinclair/typebox';
// Brings in @fastify/swagger's FastifySchema fields (tags, summary) for the route definitions.
import type {} from '@fastify/swagger';
import { PROFILE_NAME } from '../control/voice-profiles.js';

export const ErrorReply = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'Stable error code, e.g. ERR_NOT_FOUND' }),
      message: Type.String(),
      field: Type.Optional(Type.String({ description: 'The failing input field, for schema errors' })),
    }),
  },
  { $id: 'ErrorReply', description: 'Every error reply' },
);
const ErrorRef = Type.Ref('ErrorReply');

/** Standard error responses for a route (the 4xx it can give, plus 401/403 under /api/). */
export function errors(...statuses: number[]): Record<number, TSchema> {
  const all = new Set([400, 401, 403, ...statuses]);
  return Object.fromEntries([...all].map((status) => [status, ErrorRef]));
}

export const Ok = Type.Object({ ok: Type.Literal(true) });

const NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$';
export const RoomName = Type.String({ pattern: NAME_PATTERN, description: 'Room name (letters, digits, _ . -)' });
export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) });
export const RoomParams = Type.Object({ name: RoomName });
export const ParticipantParams = Type.Object({ name: RoomName, id: Type.String({ minLength: 1, maxLength: 200 }) });
export const ProfileParams = Type.Object({ name: Type.String({ pattern: PROFILE_NAME }) });

const Db = Type.Number({ minimum: -24, maximum: 24, description: 'Gain in dB (−24…+24)' });

export const VoicePresetSchema = Type.Union(
  ['female', 'male', 'child', 'elder', 'deep', 'helium', 'robot', 'whisper', 'anonymize'].map((p) => Type.Literal(p)),
);
const VoiceParametersSchema = Type.Object(
  {
    pitchSemitones: Type.Optional(Type.Number({ minimum: -12, maximum: 12 })),
    formantRatio: Type.Optional(Type.Number({ minimum: 0.6, maximum: 1.6 })),
    mcAdamsAlpha: Type.Optional(Type.Number({ minimum: 0.5, maximum: 1.5 })),
    breathiness: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    profile: Type.Optional(Type.String({ pattern: PROFILE_NAME })),
  },
  { additionalProperties: false },
);
export const VoiceSettingsSchema = Type.Object(
  {
    preset: Type.Optional(VoicePresetSchema),
    parameters: Type.Optional(VoiceParametersSchema),
    morphTo: Type.Optional(Type.Object({ preset: Type.Optional(VoicePresetSchema), parameters: Type.Optional(VoiceParametersSchema) }, { additionalProperties: false })),
    morph: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    fallback: Type.Optional(Type.Union([Type.Literal('comfort-noise'), Type.Literal('silence'), Type.Literal('passthrough')])),
  },
  { additionalProperties: false, description: 'A voice transform: a preset and/or explicit parameters' },
);

export const CallSchema = Type.Object({
  id: Type.String({ description: 'Call id in this API (the media leg id)' }),
  callId: Type.String({ description: 'SIP Call-ID' }),
  from: Type.String(),
  to: Type.String(),
  app: Type.String(),
  roomId: Type.Union([Type.String(), Type.Null()]),
  startedAt: Type.Number(),
  durationSeconds: Type.Number(),
  stats: Type.Unknown({ description: 'The leg\'s media stats (LegStats), null when the call has no leg here' }),
});

export const RoomCreateBody = Type.Object(
  {
    name: RoomName,
    sampleRate: Type.Optional(Type.Union([Type.Literal(8000), Type.Literal(16000), Type.Literal(48000)])),
    maxParticipants: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 10000 }), Type.Null()])),
    pin: Type.Optional(Type.String({ pattern: '^[0-9]{1,16}$' })),
    maxTalkers: Type.Optional(Type.Integer({ minimum: 1, maximum: 16 })),
    joinLeaveTones: Type.Optional(Type.Boolean()),
    locked: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const RoomSummarySchema = Type.Object({
  name: Type.String(),
  participants: Type.Integer(),
  locked: Type.Boolean(),
  recording: Type.Boolean(),
  sampleRate: Type.Integer(),
  maxParticipants: Type.Union([Type.Integer(), Type.Null()]),
  hasPin: Type.Boolean(),
  createdAt: Type.Number(),
});

export const ParticipantSchema = Type.Object({
  id: Type.String({ description: 'Participant id (its media leg id)' }),
  callId: Type.String(),
  from: Type.String(),
  muted: Type.Boolean(),
  deaf: Type.Boolean(),
  volumeInDb: Type.Number(),
  volumeOutDb: Type.Number(),
  talking: Type.Boolean(),
  levelDb: Type.Number(),
  voice: Type.Union([Type.String(), Type.Null()]),
  joinedAt: Type.Number(),
});

export const RoomDetailSchema = Type.Composite([RoomSummarySchema, Type.Object({ members: Type.Array(ParticipantSchema) })]);

export const ParticipantChangeBody = Type.Object(
  {
    muted: Type.Optional(Type.Boolean()),
    deaf: Type.Optional(Type.Boolean()),
    volumeInDb: Type.Optional(Db),
    volumeOutDb: Type.Optional(Db),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const PlayBody = Type.Object(
  {
    recordingId: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,80}$' })),
    path: Type.Optional(Type.String({ minLength: 1, maxLength: 4096, description: 'Absolute path of a WAV file on the server' })),
    loop: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export const PlayReply = Type.Object({ playbackId: Type.String() });

export const RecordingSchema = Type.Object({
  id: Type.String(),
  state: Type.Union([Type.Literal('recording'), Type.Literal('done'), Type.Literal('failed')]),
  room: Type.Union([Type.String(), Type.Null()]),
  legId: Type.Union([Type.String(), Type.Null()]),
  bytes: Type.Number(),
  durationMs: Type.Union([Type.Number(), Type.Null()]),
  startedAt: Type.Union([Type.Number(), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
});
export const RecordingStartBody = Type.Object(
  {
    room: Type.Optional(RoomName),
    call: Type.Optional(Type.String({ minLength: 1, description: 'Call id (leg id) or SIP Call-ID' })),
    direction: Type.Optional(Type.Union([Type.Literal('in'), Type.Literal('out'), Type.Literal('both')])),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const DialOutBody = Type.Object(
  {
    target: Type.String({ pattern: '^sips?:\\S+$', maxLength: 1024, description: 'SIP URI to call' }),
    room: Type.Optional(RoomName),
    fromUser: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.+-]{1,64}$' })),
    fromDisplayName: Type.Optional(Type.String({ maxLength: 128 })),
    ringTimeoutSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 600 })),
  },
  { additionalProperties: false },
);
export const DialOutSchema = Type.Object({
  id: Type.String(),
  target: Type.String(),
  room: Type.Union([Type.String(), Type.Null()]),
  state: Type.Union(['trying', 'ringing', 'answered', 'ended', 'failed'].map((s) => Type.Literal(s))),
  status: Type.Union([Type.Integer(), Type.Null()]),
  reason: Type.Union([Type.String(), Type.Null()]),
  callId: Type.Union([Type.String(), Type.Null()]),
  legId: Type.String(),
  createdAt: Type.Number(),
});

export const VoiceProfileSchema = Type.Object({
  name: Type.String(),
  durationSeconds: Type.Number(),
  sampleRate: Type.Integer(),
  built: Type.Boolean(),
  createdAt: Type.Number(),
});
