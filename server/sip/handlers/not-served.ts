/**
 * Methods we recognise but do not serve get 405 with Allow (RFC 3261
 * §8.2.1); methods we do not know get 501 with Allow (§21.5.2).
 */
import { ALLOW_FIELD } from '../capabilities.js';
import type { MethodHandler } from './types.js';

export const methodNotAllowed: MethodHandler = (inbound) => {
  inbound.respond(405, { headers: [ALLOW_FIELD] });
};

export const notImplemented: MethodHandler = (inbound) => {
  inbound.respond(501, { headers: [ALLOW_FIELD] });
};
