/** Dial-out: call a SIP URI and join it to a room (or the echo test); follow its progress. */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ControlPlane } from '../../control/control-plane.js';
import { DialOutBody, DialOutSchema, errors, IdParams } from '../schemas.js';

export function dialOutRoutes(app: FastifyInstance, control: ControlPlane): void {
  const tags = ['dial-out'];
  app.post<{ Body: Static<typeof DialOutBody> }>(
    '/api/dial-out',
    {
      schema: {
        tags,
        summary: 'Place a call; returns at once with an id (state trying) to poll or follow on /api/events',
        body: DialOutBody,
        response: { 202: DialOutSchema, ...errors(503) },
      },
    },
    async (request, reply) => reply.code(202).send(await control.requireDialOut().start(request.body)),
  );
  app.get('/api/dial-out', { schema: { tags, summary: 'Dial-out attempts (recent)', response: { 200: Type.Array(DialOutSchema), ...errors(503) } } }, async () =>
    control.requireDialOut().list(),
  );
  app.get<{ Params: Static<typeof IdParams> }>(
    '/api/dial-out/:id',
    { schema: { tags, summary: 'One attempt: trying, ringing, answered, ended or failed', params: IdParams, response: { 200: DialOutSchema, ...errors(404, 503) } } },
    async (request) => control.requireDialOut().get(request.params.id),
  );
}
