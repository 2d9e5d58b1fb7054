/** Config section `conference`: how callers reach rooms, room defaults, and rooms defined up front. */
import { Type, type Static } from '@sinclair/typebox';

const RATES = [8000, 16000, 48000] as const;
const sampleRate = (description: string) =>
  Type.Union(
    RATES.map((r) => Type.Literal(r)),
    { default: 16000, description, hint: 'one of 8000, 16000, 48000' },
  );

const RoomDefaults = Type.Object(
  {
    sampleRate: sampleRate('Mixing rate of a room (Hz)'),
    maxTalkers: Type.Integer({ minimum: 1, maximum: 32, default: 3, description: 'Loudest talkers mixed at once', hint: 'an integer from 1 to 32' }),
    talkerThresholdDb: Type.Number({
      minimum: -127,
      maximum: 0,
      default: -50,
      description: 'Level (dBFS) at or above which a participant whose VAD says speech counts as talking',
      hint: 'a number from -127 to 0',
    }),
    talkerDetection: Type.Union([Type.Literal('vad'), Type.Literal('level')], {
      default: 'vad',
      description: 'How talkers are found: vad (speech detector + level; right for people) or level alone (tones, music, tests)',
      hint: 'vad or level',
    }),
    talkerHangoverMs: Type.Integer({ minimum: 0, maximum: 10000, default: 400, description: 'Talking ends after this long below threshold', hint: 'an integer from 0 to 10000' }),
    maxParticipants: Type.Integer({ minimum: 0, maximum: 10000, default: 0, description: 'Most participants in a room (0: no limit)', hint: 'an integer from 0 to 10000' }),
    joinLeaveTones: Type.Boolean({ default: true, description: 'Beep when someone joins or leaves', hint: 'true or false' }),
    noiseSuppression: Type.Boolean({ default: false, description: 'Noise suppression on every participant', hint: 'true or false' }),
    agc: Type.Boolean({ default: false, description: 'Automatic gain control on every participant', hint: 'true or false' }),
    echoCancellation: Type.Boolean({ default: false, description: 'Echo cancellation on every participant', hint: 'true or false' }),
  },
  { default: {}, additionalProperties: false },
);

const RoomDefinition = Type.Object(
  {
    name: Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$', description: 'Room name (the user part callers dial)', hint: 'letters, digits, _ . - (1 to 64)' }),
    pin: Type.Optional(Type.String({ pattern: '^[0-9]{1,16}$', description: 'PIN callers enter by DTMF, ending with #', hint: '1 to 16 digits' })),
    sampleRate: Type.Optional(Type.Union(RATES.map((r) => Type.Literal(r)))),
    maxTalkers: Type.Optional(Type.Integer({ minimum: 1, maximum: 32 })),
    maxParticipants: Type.Optional(Type.Integer({ minimum: 0, maximum: 10000 })),
    joinLeaveTones: Type.Optional(Type.Boolean()),
    noiseSuppression: Type.Optional(Type.Boolean()),
    agc: Type.Optional(Type.Boolean()),
    echoCancellation: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const ConferenceSection = Type.Object(
  {
    prefix: Type.String({
      default: 'conf-',
      minLength: 1,
      description: 'Request-URI users starting with this reach the room named by the rest (conf-NAME)',
      hint: 'a non-empty string',
      flag: 'conference-prefix',
    }),
    defaults: RoomDefaults,
    rooms: Type.Array(RoomDefinition, {
      default: [],
      description: 'Rooms defined up front (config file only), reachable by their plain name too',
      hint: 'a list of { name, pin?, sampleRate?, maxTalkers?, maxParticipants?, … }',
    }),
  },
  { default: {}, additionalProperties: false },
);

export type ConferenceConfig = Static<typeof ConferenceSection>;
export type RoomDefinitionConfig = Static<typeof RoomDefinition>;
