/** The dashboard (static page + script) and the API docs redirect. */
import type { FastifyInstance } from 'fastify';
import { DASHBOARD_HTML } from '../dashboard/page.js';
import { DASHBOARD_SCRIPT } from '../dashboard/script.js';

export function dashboardRoutes(app: FastifyInstance): void {
  const hide = { hide: true } as const;
  app.get('/', { schema: hide }, async (_request, reply) => reply.redirect('/dashboard'));
  app.get('/dashboard', { schema: hide }, async (_request, reply) =>
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(DASHBOARD_HTML),
  );
  app.get('/dashboard/app.js', { schema: hide }, async (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-store').send(DASHBOARD_SCRIPT),
  );
}
