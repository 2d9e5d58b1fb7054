/** Health, readiness, server info, effective config and engine/SIP stats. */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ControlPlane } from '../../control/control-plane.js';
import { errors } from '../schemas.js';

export function systemRoutes(app: FastifyInstance, control: ControlPlane): void {
  app.get(
    '/health',
    { schema: { tags: ['system'], summary: 'Liveness: the process answers', response: { 200: Type.Object({ status: Type.Literal('ok') }) } } },
    async () => ({ status: 'ok' as const }),
  );
  app.get(
    '/ready',
    {
      schema: {
        tags: ['system'],
        summary: 'Readiness: accepting calls (503 while shutting down)',
        response: { 200: Type.Object({ ready: Type.Boolean() }), 503: Type.Object({ ready: Type.Boolean() }) },
      },
    },
    async (_request, reply) => reply.code(control.accepting ? 200 : 503).send({ ready: control.accepting }),
  );
  app.get(
    '/api/info',
    { schema: { tags: ['system'], summary: 'Server info: version, uptime, listeners, features', response: { 200: Type.Record(Type.String(), Type.Unknown()), ...errors() } } },
    async () => control.info(),
  );
  app.get(
    '/api/config',
    { schema: { tags: ['system'], summary: 'Effective config with secrets redacted', response: { 200: Type.Record(Type.String(), Type.Unknown()), ...errors() } } },
    async () => control.effectiveConfig(),
  );
  app.get(
    '/api/stats',
    {
      schema: {
        tags: ['system'],
        summary: 'Engine stats (workers, clock, CPU) and SIP counters',
        response: { 200: Type.Object({ engine: Type.Unknown(), sip: Type.Record(Type.String(), Type.Unknown()), calls: Type.Integer() }), ...errors() },
      },
    },
    async () => ({ engine: await control.engineStats(), sip: { ...control.sipCounters() }, calls: control.options.calls.size }),
  );
}
