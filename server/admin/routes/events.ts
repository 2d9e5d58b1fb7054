/**
 * The live event stream: a WebSocket at /api/events (optionally
 * ?room=NAME) sending one JSON AdminEvent per message. Auth is checked in
 * the onRequest hook before the upgrade (header or ?token=).
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
// Brings in @fastify/websocket's route option (websocket: true) and handler types.
import type {} from '@fastify/websocket';
import type { ControlPlane } from '../../control/control-plane.js';

const EventsQuery = Type.Object({
  room: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Only events of this room' })),
  token: Type.Optional(Type.String({ description: 'Bearer token, for browsers (which cannot set headers on a WebSocket)' })),
});

/** A slow client whose send buffer passes this is disconnected rather than buffering without bound. */
const MAX_BUFFERED_BYTES = 1024 * 1024;

export function eventRoutes(app: FastifyInstance, control: ControlPlane): void {
  app.get<{ Querystring: Static<typeof EventsQuery> }>(
    '/api/events',
    {
      websocket: true,
      schema: {
        tags: ['events'],
        summary: 'WebSocket stream of JSON events: call.started/ended, room.joined/left/talking, participant.changed, dtmf, quality, recording.done, dialout.state',
        querystring: EventsQuery,
      },
    },
    (socket, request) => {
      const unsubscribe = control.events.subscribe((event) => {
        if (socket.readyState !== socket.OPEN) return;
        if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
          socket.close(1013, 'too slow');
          return;
        }
        socket.send(JSON.stringify(event));
      }, request.query.room ?? null);
      socket.on('close', unsubscribe);
      socket.on('error', unsubscribe);
      socket.send(JSON.stringify({ type: 'hello', time: Date.now(), roomId: request.query.room ?? null }));
    },
  );
}
