/**
 * The admin HTTP server: REST API under /api/ (bearer tokens), the event
 * WebSocket, /health, /ready, /metrics, /openapi.json, /docs and the
 * dashboard. `buildAdminApp` gives a fastify instance for `inject` tests;
 * `startAdmin` also enforces the loopback rule and listens.
 */
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { parseHostPort, type Config } from '../../config/index.js';
import type { ControlPlane } from '../control/control-plane.js';
import { ControlError } from '../control/errors.js';
import type { Logger } from '../logger.js';
import { checkAuth, isLoopback, TokenVerifier } from './auth.js';
import { installErrorHandlers } from './errors.js';
import { createMetrics } from './metrics.js';
import { callRoutes } from './routes/calls.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { dialOutRoutes } from './routes/dial-out.js';
import { eventRoutes } from './routes/events.js';
import { participantRoutes } from './routes/participants.js';
import { recordingRoutes } from './routes/recordings.js';
import { roomRoutes } from './routes/rooms.js';
import { systemRoutes } from './routes/system.js';
import { voiceProfileRoutes } from './routes/voice-profiles.js';
import { ErrorReply } from './schemas.js';

export interface AdminOptions {
  readonly config: Config['admin'];
  readonly control: ControlPlane;
  readonly logger: Logger;
  readonly version?: string;
}

export interface RunningAdmin {
  readonly app: FastifyInstance;
  /** Bound address (port 0 becomes the real port). */
  readonly address: { readonly host: string; readonly port: number };
  readonly url: string;
  /** Closes the listener and every event socket. Idempotent. */
  close(): Promise<void>;
}

/** All tokens of the section: the list plus the single env/flag token. */
export function adminTokens(config: Config['admin']): string[] {
  return [...config.tokens, ...(config.token === '' ? [] : [config.token])];
}

export async function buildAdminApp(options: AdminOptions): Promise<FastifyInstance> {
  const { control } = options;
  const log = options.logger.child({ component: 'admin' });
  const app = Fastify({
    loggerInstance: log as FastifyBaseLogger,
    // Request URLs may carry ?token=: we log our own line without the query instead.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1024 * 1024,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false } },
  });
  const verifier = new TokenVerifier(adminTokens(options.config));
  installErrorHandlers(app);
  app.addSchema(ErrorReply);
  app.addHook('onResponse', async (request, reply) => {
    request.log.debug({ method: request.method, path: request.url.split('?')[0], status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'admin request');
  });

  await app.register(fastifyWebsocket, { options: { maxPayload: 64 * 1024 } });
  // After the websocket plugin: its onRequest hook marks upgrades (request.ws) so that a refused
  // upgrade's socket is destroyed after the error reply instead of leaking.
  app.addHook('onRequest', async (request) => checkAuth(verifier, request));
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'voxbridge admin API', version: options.version ?? '0', description:
          'Calls, rooms, participants, recordings, dial-out, voice profiles. Errors are { error: { code, message } }. ' +
          'Live events: WebSocket at /api/events?room=NAME (token in the Authorization header or ?token=), one JSON event per message.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  systemRoutes(app, control);
  callRoutes(app, control);
  roomRoutes(app, control);
  participantRoutes(app, control);
  recordingRoutes(app, control);
  dialOutRoutes(app, control);
  voiceProfileRoutes(app, control);
  eventRoutes(app, control);
  dashboardRoutes(app);

  const metrics = createMetrics(control);
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.render()),
  );
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  app.addHook('onClose', async () => {
    metrics.close();
    for (const client of app.websocketServer.clients) client.terminate();
  });
  await app.ready();
  return app;
}

/** Checks the loopback rule, builds the app and listens on `config.listen`. */
export async function startAdmin(options: AdminOptions): Promise<RunningAdmin> {
  const { host, port } = parseHostPort(options.config.listen);
  const bindHost = host.replace(/^\[(.*)\]$/, '$1');
  const tokens = adminTokens(options.config);
  if (tokens.length === 0 && !isLoopback(bindHost)) {
    throw new ControlError(
      'ERR_FORBIDDEN',
      `admin.listen is ${options.config.listen} but no admin token is set: set admin.token (VOXBRIDGE_ADMIN_TOKEN, --admin-token) or admin.tokens, or listen on 127.0.0.1`,
    );
  }
  const log = options.logger.child({ component: 'admin' });
  if (tokens.length === 0) log.warn({ listen: options.config.listen }, 'admin API has no token: anyone on this host can use it (loopback only)');
  const app = await buildAdminApp(options);
  await app.listen({ host: bindHost, port });
  const address = app.server.address();
  const bound = address !== null && typeof address === 'object' ? { host: address.address, port: address.port } : { host: bindHost, port };
  const urlHost = bound.host.includes(':') ? `[${bound.host}]` : bound.host;
  log.info({ url: `http://${urlHost}:${bound.port}`, auth: tokens.length > 0 }, 'admin API listening');
  let closing: Promise<void> | null = null;
  return {
    app,
    address: bound,
    url: `http://${urlHost}:${bound.port}`,
    close() {
      closing ??= app.close().then(() => undefined);
      return closing;
    },
  };
}

export { TokenVerifier } from './auth.js';
export { toErrorBody, type ErrorBody } from './errors.js';
export { createMetrics, type AdminMetrics } from './metrics.js';
