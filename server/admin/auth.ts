/**
 * Bearer-token auth for everything under /api/. Tokens are compared as
 * SHA-256 digests with crypto.timingSafeEqual against every configured token
 * (no early exit), so neither length nor content leaks through timing. The
 * event WebSocket also takes `?token=` because browsers cannot set headers
 * on a WebSocket. Tokens are never logged.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { ControlError } from '../control/errors.js';

const digest = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

export class TokenVerifier {
  readonly #digests: readonly Buffer[];

  constructor(tokens: readonly string[]) {
    this.#digests = [...new Set(tokens.filter((token) => token.length > 0))].map(digest);
  }

  /** Whether any token is configured (without one the API is open and loopback-only). */
  get enabled(): boolean {
    return this.#digests.length > 0;
  }

  verify(token: string): boolean {
    const presented = digest(token);
    let match = false;
    for (const known of this.#digests) match = timingSafeEqual(presented, known) || match;
    return match;
  }
}

/** Paths that accept the token in the query string (WebSocket upgrades from browsers). */
const QUERY_TOKEN_PATHS: ReadonlySet<string> = new Set(['/api/events']);

export function presentedToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (typeof header === 'string') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return match?.[1] ?? '';
  }
  const path = request.url.split('?')[0] ?? '';
  if (QUERY_TOKEN_PATHS.has(path)) {
    const token = new URL(request.url, 'http://localhost').searchParams.get('token');
    if (token !== null) return token;
  }
  return null;
}

/** Throws 401 (no token) or 403 (wrong token) for protected paths; does nothing when auth is off. */
export function checkAuth(verifier: TokenVerifier, request: FastifyRequest): void {
  if (!verifier.enabled || !request.url.startsWith('/api/')) return;
  const token = presentedToken(request);
  if (token === null || token === '') throw new ControlError('ERR_UNAUTHORIZED', 'missing bearer token (Authorization: Bearer TOKEN)');
  if (!verifier.verify(token)) throw new ControlError('ERR_FORBIDDEN', 'invalid token');
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[?::1\]?)$/;

export function isLoopback(host: string): boolean {
  return LOOPBACK.test(host);
}
