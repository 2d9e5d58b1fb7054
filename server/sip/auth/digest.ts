/**
 * HTTP Digest as SIP uses it (RFC 3261 §22.4, RFC 7616 computations, RFC 8760
 * algorithms for SIP): parsing Authorization / Proxy-Authorization, computing
 * the expected response with MD5 or SHA-256 (qop=auth), and writing
 * challenges. Pure functions over strings; node:crypto does the hashing.
 */
import { createHash } from 'node:crypto';

export type DigestAlgorithm = 'MD5' | 'SHA-256';

/** The hash of each algorithm we accept (RFC 8760 §2: MD5 and SHA-256; SHA-512-256 is not offered). */
const HASHES: Readonly<Record<DigestAlgorithm, string>> = { MD5: 'md5', 'SHA-256': 'sha256' };

export function isDigestAlgorithm(name: string): name is DigestAlgorithm {
  return Object.hasOwn(HASHES, name);
}

export function digestHash(algorithm: DigestAlgorithm, text: string): string {
  return createHash(HASHES[algorithm]).update(text, 'utf8').digest('hex');
}

/** The auth-params of one credentials value, names lower-cased, quotes removed. */
export interface DigestCredentials {
  readonly username: string;
  readonly realm: string;
  readonly nonce: string;
  readonly uri: string;
  readonly response: string;
  /** "MD5" when absent (RFC 7616 §3.4). */
  readonly algorithm: string;
  readonly qop: string | null;
  readonly nc: string | null;
  readonly cnonce: string | null;
  readonly opaque: string | null;
}

/**
 * Splits `Digest a="x, y", b=z` into params. Returns null for another scheme
 * or malformed syntax; repeated params make it malformed too.
 */
export function parseDigestParams(value: string): Map<string, string> | null {
  const text = value.trim();
  if (!/^digest\s/i.test(text)) return null;
  const params = new Map<string, string>();
  let i = 6;
  while (i < text.length) {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === ',')) i++;
    if (i >= text.length) break;
    const eq = text.indexOf('=', i);
    if (eq < 0) return null;
    const name = text.slice(i, eq).trim().toLowerCase();
    if (!/^[a-z0-9-]+$/.test(name) || params.has(name)) return null;
    i = eq + 1;
    while (text[i] === ' ' || text[i] === '\t') i++;
    let paramValue: string;
    if (text[i] === '"') {
      let out = '';
      i++;
      for (; i < text.length && text[i] !== '"'; i++) {
        if (text[i] === '\\' && i + 1 < text.length) i++;
        out += text[i];
      }
      if (i >= text.length) return null; // unterminated quote
      i++;
      paramValue = out;
    } else {
      const end = text.indexOf(',', i);
      paramValue = (end < 0 ? text.slice(i) : text.slice(i, end)).trim();
      i = end < 0 ? text.length : end;
    }
    params.set(name, paramValue);
  }
  return params;
}

export function parseDigestCredentials(value: string): DigestCredentials | null {
  const params = parseDigestParams(value);
  if (params === null) return null;
  const required = (name: string): string | null => params.get(name) ?? null;
  const username = required('username');
  const realm = required('realm');
  const nonce = required('nonce');
  const uri = required('uri');
  const response = required('response');
  if (username === null || realm === null || nonce === null || uri === null || response === null) return null;
  return {
    username,
    realm,
    nonce,
    uri,
    response: response.toLowerCase(),
    algorithm: params.get('algorithm') ?? 'MD5',
    qop: params.get('qop')?.toLowerCase() ?? null,
    nc: params.get('nc') ?? null,
    cnonce: params.get('cnonce') ?? null,
    opaque: params.get('opaque') ?? null,
  };
}

export interface DigestInput {
  readonly algorithm: DigestAlgorithm;
  readonly username: string;
  readonly realm: string;
  readonly password: string;
  readonly method: string;
  readonly uri: string;
  readonly nonce: string;
  /** With qop=auth: nc and cnonce take part (RFC 7616 §3.4.1); without qop, the RFC 2069 form. */
  readonly qop: 'auth' | null;
  readonly nc: string;
  readonly cnonce: string;
}

/** RFC 7616 §3.4.1: response = H(H(A1):nonce:nc:cnonce:qop:H(A2)), A1 = user:realm:password, A2 = method:uri. */
export function digestResponse(input: DigestInput): string {
  const h = (text: string): string => digestHash(input.algorithm, text);
  const ha1 = h(`${input.username}:${input.realm}:${input.password}`);
  const ha2 = h(`${input.method}:${input.uri}`);
  return input.qop === null ? h(`${ha1}:${input.nonce}:${ha2}`) : h(`${ha1}:${input.nonce}:${input.nc}:${input.cnonce}:${input.qop}:${ha2}`);
}

/** `Digest realm="...", nonce="...", algorithm=SHA-256, qop="auth"[, stale=true]`. */
export function digestChallenge(realm: string, nonce: string, algorithm: DigestAlgorithm, stale: boolean): string {
  const quoted = (text: string): string => `"${text.replace(/(["\\])/g, '\\$1')}"`;
  return `Digest realm=${quoted(realm)}, nonce=${quoted(nonce)}, algorithm=${algorithm}, qop="auth"${stale ? ', stale=true' : ''}`;
}
