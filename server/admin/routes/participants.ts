/** Participants of a room: list, get, change (mute, deaf, volumes), kick, voice. */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ControlPlane } from '../../control/control-plane.js';
import { notFound } from '../../control/errors.js';
import type { ParticipantChange } from '../../control/rooms.js';
import type { VoiceSettings } from '../../../media/index.js';
import { errors, Ok, ParticipantChangeBody, ParticipantParams, ParticipantSchema, RoomParams, VoiceSettingsSchema } from '../schemas.js';

type Participant = { Params: Static<typeof ParticipantParams> };

/** One-word actions as POST .../ACTION, each a fixed change. */
const ACTIONS: Readonly<Record<string, ParticipantChange>> = {
  mute: { muted: true },
  unmute: { muted: false },
  deaf: { deaf: true },
  undeaf: { deaf: false },
};

export function participantRoutes(app: FastifyInstance, control: ControlPlane): void {
  const tags = ['participants'];
  const base = '/api/rooms/:name/participants';
  app.get<{ Params: Static<typeof RoomParams> }>(
    base,
    { schema: { tags, summary: 'Participants of a room', params: RoomParams, response: { 200: Type.Array(ParticipantSchema), ...errors(404, 503) } } },
    async (request) => control.requireRooms().participants(request.params.name),
  );
  app.get<Participant>(
    `${base}/:id`,
    { schema: { tags, summary: 'One participant', params: ParticipantParams, response: { 200: ParticipantSchema, ...errors(404, 503) } } },
    async (request) => {
      const { name, id } = request.params;
      const found = (await control.requireRooms().participants(name)).find((p) => p.id === id);
      if (!found) throw notFound('participant', id);
      return found;
    },
  );
  app.patch<Participant & { Body: Static<typeof ParticipantChangeBody> }>(
    `${base}/:id`,
    {
      schema: {
        tags,
        summary: 'Change a participant: muted, deaf, volumeInDb, volumeOutDb',
        params: ParticipantParams,
        body: ParticipantChangeBody,
        response: { 200: ParticipantSchema, ...errors(404, 503) },
      },
    },
    async (request) => control.requireRooms().updateParticipant(request.params.name, request.params.id, request.body),
  );
  for (const [action, change] of Object.entries(ACTIONS)) {
    app.post<Participant>(
      `${base}/:id/${action}`,
      { schema: { tags, summary: `${action[0]?.toUpperCase()}${action.slice(1)} a participant`, params: ParticipantParams, response: { 200: ParticipantSchema, ...errors(404, 503) } } },
      async (request) => control.requireRooms().updateParticipant(request.params.name, request.params.id, change),
    );
  }
  app.delete<Participant>(
    `${base}/:id`,
    { schema: { tags, summary: 'Kick a participant (hangs up its call)', params: ParticipantParams, response: { 200: Ok, ...errors(404, 503) } } },
    async (request) => {
      await control.requireRooms().kick(request.params.name, request.params.id);
      return { ok: true as const };
    },
  );
  app.put<Participant & { Body: Static<typeof VoiceSettingsSchema> }>(
    `${base}/:id/voice`,
    { schema: { tags, summary: 'Set a participant\'s voice transform', params: ParticipantParams, body: VoiceSettingsSchema, response: { 200: ParticipantSchema, ...errors(404, 503) } } },
    async (request) => control.requireRooms().setVoice(request.params.name, request.params.id, request.body as VoiceSettings),
  );
  app.delete<Participant>(
    `${base}/:id/voice`,
    { schema: { tags, summary: 'Clear a participant\'s voice transform', params: ParticipantParams, response: { 200: ParticipantSchema, ...errors(404, 503) } } },
    async (request) => control.requireRooms().setVoice(request.params.name, request.params.id, null),
  );
}
