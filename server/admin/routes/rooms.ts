/** Rooms: list, create, get, close, lock/unlock, playback. */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ControlPlane } from '../../control/control-plane.js';
import { notFound } from '../../control/errors.js';
import { errors, Ok, PlayBody, PlayReply, RoomCreateBody, RoomDetailSchema, RoomParams, RoomSummarySchema } from '../schemas.js';

type Room = { Params: Static<typeof RoomParams> };

/** lock/unlock share one handler: the action names the new state. */
const LOCK_ACTIONS: Readonly<Record<'lock' | 'unlock', boolean>> = { lock: true, unlock: false };

export function roomRoutes(app: FastifyInstance, control: ControlPlane): void {
  const tags = ['rooms'];
  app.get('/api/rooms', { schema: { tags, summary: 'Rooms', response: { 200: Type.Array(RoomSummarySchema), ...errors(503) } } }, async () =>
    control.requireRooms().list(),
  );
  app.post<{ Body: Static<typeof RoomCreateBody> }>(
    '/api/rooms',
    { schema: { tags, summary: 'Create a room', body: RoomCreateBody, response: { 201: RoomSummarySchema, ...errors(409, 503) } } },
    async (request, reply) => {
      const { name, ...options } = request.body;
      return reply.code(201).send(await control.requireRooms().create(name, options));
    },
  );
  app.get<Room>(
    '/api/rooms/:name',
    { schema: { tags, summary: 'A room with its participants', params: RoomParams, response: { 200: RoomDetailSchema, ...errors(404, 503) } } },
    async (request) => {
      const room = await control.requireRooms().get(request.params.name);
      if (room === null) throw notFound('room', request.params.name);
      return room;
    },
  );
  app.delete<Room>(
    '/api/rooms/:name',
    { schema: { tags, summary: 'Close a room (hangs up its participants)', params: RoomParams, response: { 200: Ok, ...errors(404, 503) } } },
    async (request) => {
      await control.requireRooms().close(request.params.name);
      return { ok: true as const };
    },
  );
  for (const [action, locked] of Object.entries(LOCK_ACTIONS)) {
    app.post<Room>(
      `/api/rooms/:name/${action}`,
      { schema: { tags, summary: `${action === 'lock' ? 'Lock' : 'Unlock'} a room (a locked room takes no new participants)`, params: RoomParams, response: { 200: RoomSummarySchema, ...errors(404, 503) } } },
      async (request) => control.requireRooms().lock(request.params.name, locked),
    );
  }
  app.post<Room & { Body: Static<typeof PlayBody> }>(
    '/api/rooms/:name/play',
    { schema: { tags, summary: 'Play a recording or WAV file into the room', params: RoomParams, body: PlayBody, response: { 201: PlayReply, ...errors(404, 503) } } },
    async (request, reply) => {
      const { loop, ...source } = request.body;
      const playbackId = await control.recordings.play({ room: request.params.name }, source, loop ?? false);
      return reply.code(201).send({ playbackId });
    },
  );
}
