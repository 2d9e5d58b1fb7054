/**
 * Digest authentication of incoming requests (RFC 3261 §22, RFC 8760).
 * Config says which requests must authenticate (`auth.require`: REGISTER,
 * INVITE, or INVITE:USER for calls to one Request-URI user, with * as a
 * wildcard) and who may (`auth.users`). REGISTER is challenged with 401 /
 * WWW-Authenticate, INVITE with 407 / Proxy-Authenticate (what softphones
 * expect from a PBX); either credentials header is accepted for both. One
 * challenge per configured algorithm, most preferred first (RFC 8760 §2.4).
 */
import { timingSafeEqual } from 'node:crypto';
import type { Config } from '../../../config/index.js';
import { headerValues, type HeaderField, type SipRequest } from '../message.js';
import { parseSipUri } from '../uri.js';
import { digestChallenge, digestResponse, isDigestAlgorithm, parseDigestCredentials, type DigestAlgorithm, type DigestCredentials } from './digest.js';
import { NonceStore } from './nonces.js';

export type AuthVerdict =
  /** Nothing to check for this request (or no users configured). */
  | { readonly kind: 'open' }
  | { readonly kind: 'ok'; readonly user: string }
  /** Send the challenge: no usable credentials, a stale nonce, or a reused nonce-count. */
  | { readonly kind: 'challenge'; readonly status: 401 | 407; readonly headers: readonly HeaderField[]; readonly why: 'no-credentials' | 'stale' | 'replay' }
  /** 403: wrong user or password, or a REGISTER for someone else's address. */
  | { readonly kind: 'forbidden'; readonly why: string };

interface Rule {
  readonly method: string;
  /** Request-URI user pattern, or null for every request of the method. */
  readonly user: RegExp | null;
}

function parseRule(text: string): Rule {
  const colon = text.indexOf(':');
  if (colon < 0) return { method: text, user: null };
  const glob = text.slice(colon + 1).replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return { method: text.slice(0, colon), user: new RegExp(`^${glob}$`, 'i') };
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export class Authenticator {
  readonly #realm: string;
  readonly #passwords = new Map<string, string>();
  readonly #rules: readonly Rule[];
  readonly #algorithms: readonly DigestAlgorithm[];
  readonly #nonces: NonceStore;

  constructor(config: Config['auth'], now: () => number = Date.now) {
    this.#realm = config.realm;
    for (const entry of config.users) {
      const colon = entry.indexOf(':');
      this.#passwords.set(entry.slice(0, colon), entry.slice(colon + 1));
    }
    this.#rules = config.require.map(parseRule);
    this.#algorithms = config.algorithms.filter(isDigestAlgorithm);
    this.#nonces = new NonceStore(config.nonceSeconds * 1000, now);
  }

  /** False when no users are configured: every request is let through. */
  get enabled(): boolean {
    return this.#passwords.size > 0;
  }

  /** Whether config asks this request to authenticate (initial INVITEs and REGISTERs only). */
  requires(request: SipRequest): boolean {
    if (!this.enabled) return false;
    if (request.method === 'INVITE' && request.to.tag !== null) return false; // re-INVITEs ride on the dialog
    const user = request.uri?.user ?? '';
    return this.#rules.some((rule) => rule.method === request.method && (rule.user === null || rule.user.test(user)));
  }

  check(request: SipRequest): AuthVerdict {
    if (!this.requires(request)) return { kind: 'open' };
    const credentials = this.#credentials(request);
    if (credentials === null) return this.#challenge(request, 'no-credentials');
    const password = this.#passwords.get(credentials.username);
    const algorithm = credentials.algorithm.toUpperCase();
    if (!isDigestAlgorithm(algorithm) || !this.#algorithms.includes(algorithm)) return this.#challenge(request, 'no-credentials');
    if (credentials.qop !== 'auth' || credentials.nc === null || credentials.cnonce === null) {
      return { kind: 'forbidden', why: 'digest without qop=auth is not accepted' };
    }
    const expected =
      password === undefined
        ? null
        : digestResponse({
            algorithm,
            username: credentials.username,
            realm: this.#realm,
            password,
            method: request.method,
            uri: credentials.uri,
            nonce: credentials.nonce,
            qop: 'auth',
            nc: credentials.nc,
            cnonce: credentials.cnonce,
          });
    if (expected === null || !sameSecret(expected, credentials.response)) return { kind: 'forbidden', why: 'wrong user name or password' };
    const verdict = this.#nonces.check(credentials.nonce, credentials.nc);
    if (verdict === 'unknown' || verdict === 'stale') return this.#challenge(request, 'stale');
    if (verdict === 'replay') return this.#challenge(request, 'replay');
    if (request.method === 'REGISTER' && parseSipUri(request.to.uri)?.user !== credentials.username) {
      return { kind: 'forbidden', why: `${credentials.username} may not register ${request.to.uri}` };
    }
    this.#nonces.commit(credentials.nonce, credentials.nc);
    return { kind: 'ok', user: credentials.username };
  }

  /** Our realm's credentials from Authorization or Proxy-Authorization, or null. */
  #credentials(request: SipRequest): DigestCredentials | null {
    for (const name of ['authorization', 'proxy-authorization']) {
      for (const value of headerValues(request.headers, name)) {
        const parsed = parseDigestCredentials(value);
        if (parsed !== null && parsed.realm === this.#realm) return parsed;
      }
    }
    return null;
  }

  #challenge(request: SipRequest, why: 'no-credentials' | 'stale' | 'replay'): AuthVerdict {
    const register = request.method === 'REGISTER';
    const name = register ? 'www-authenticate' : 'proxy-authenticate';
    const stale = why === 'stale';
    const headers = this.#algorithms.map((algorithm) => ({ name, value: digestChallenge(this.#realm, this.#nonces.issue(), algorithm, stale) }));
    return { kind: 'challenge', status: register ? 401 : 407, headers, why };
  }
}
