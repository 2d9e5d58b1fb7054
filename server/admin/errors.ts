/**
 * One error shape for every reply: `{ error: { code, message } }` (plus
 * `field` for schema failures). Control-plane errors keep their code; fastify's
 * own errors (schema, JSON syntax, body size, unknown route) are mapped here.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MediaError } from '../../media/index.js';
import { ControlError, STATUS_OF, type ControlErrorCode } from '../control/errors.js';

export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly field?: string };
}

/** fastify error codes → ours. */
const FASTIFY_CODES: Readonly<Record<string, ControlErrorCode>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'ERR_BAD_REQUEST',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'ERR_BAD_REQUEST',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'ERR_BAD_REQUEST',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'ERR_BAD_REQUEST',
  FST_ERR_CTP_BODY_TOO_LARGE: 'ERR_PAYLOAD_TOO_LARGE',
  FST_ERR_VALIDATION: 'ERR_BAD_REQUEST',
};

/** Media-engine error codes → ours; ERR_NO_SUCH_* (any area) is 404, anything else unlisted 500. */
const MEDIA_CODES: Readonly<Record<string, ControlErrorCode>> = {
  ERR_INVALID_ARGS: 'ERR_BAD_REQUEST',
  ERR_LEG_EXISTS: 'ERR_CONFLICT',
  ERR_UNKNOWN_COMMAND: 'ERR_UNAVAILABLE',
  ERR_NO_PORTS: 'ERR_UNAVAILABLE',
  ERR_WORKER_FAILED: 'ERR_UNAVAILABLE',
  ERR_ENGINE_CLOSED: 'ERR_UNAVAILABLE',
};

function mediaCode(code: string): ControlErrorCode | undefined {
  return code.startsWith('ERR_NO_SUCH_') ? 'ERR_NOT_FOUND' : MEDIA_CODES[code];
}

export function toErrorBody(error: FastifyError | Error): { status: number; body: ErrorBody } {
  if (error instanceof ControlError) return { status: error.status, body: { error: { code: error.code, message: error.message } } };
  if (error instanceof MediaError) {
    const code = mediaCode(error.code);
    if (code) return { status: STATUS_OF[code], body: { error: { code, message: error.message } } };
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    const first = fastifyError.validation[0];
    const where = fastifyError.validationContext ?? 'body';
    const path = first?.instancePath.replace(/^\//, '').replaceAll('/', '.') ?? '';
    const missing = (first?.params as { missingProperty?: string } | undefined)?.missingProperty;
    const field = [where, path, missing].filter((part) => part !== undefined && part !== '').join('.');
    return { status: 400, body: { error: { code: 'ERR_BAD_REQUEST', message: fastifyError.message, field } } };
  }
  const mapped = fastifyError.code ? FASTIFY_CODES[fastifyError.code] : undefined;
  if (mapped) return { status: STATUS_OF[mapped], body: { error: { code: mapped, message: fastifyError.message } } };
  const status = fastifyError.statusCode ?? 500;
  if (status >= 400 && status < 500) return { status, body: { error: { code: 'ERR_BAD_REQUEST', message: fastifyError.message } } };
  return { status: 500, body: { error: { code: 'ERR_INTERNAL', message: 'internal error' } } };
}

export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const { status, body } = toErrorBody(error);
    if (status >= 500) request.log.error({ err: error, method: request.method, path: request.routeOptions.url }, 'admin request failed');
    void reply.code(status).type('application/json').send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    void reply.code(404).send({ error: { code: 'ERR_NOT_FOUND', message: `no route ${request.method} ${path}` } } satisfies ErrorBody);
  });
}
