/**
 * SIP/SIPS URIs (RFC 3261 §19.1): `sip:user:password@host:port;params?headers`.
 * Parsed by scanning, not by one large regex. Other schemes (tel:, urn:) are
 * not SIP URIs: `parseSipUri` returns null and callers decide (416 for a
 * Request-URI).
 */
import { isHostChar, parseDigits } from './headers/chars.js';
import { formatParams, getParam, parseUriParams, type Param } from './headers/params.js';

export interface SipUri {
  readonly scheme: 'sip' | 'sips';
  readonly user: string | null;
  readonly password: string | null;
  /** Host as written; IPv6 literals keep their brackets. */
  readonly host: string;
  readonly port: number | null;
  readonly params: readonly Param[];
  readonly headers: readonly Param[];
}

const SCHEMES: ReadonlyMap<string, SipUri['scheme']> = new Map([
  ['sip', 'sip'],
  ['sips', 'sips'],
]);

/** `scheme:rest` with an RFC 3986 scheme and no blanks: any absolute URI a header may carry. */
export function isAbsoluteUri(text: string): boolean {
  const colon = text.indexOf(':');
  if (colon < 1 || colon === text.length - 1) return false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code <= 0x20 || code === 0x7f || code === 0x3c || code === 0x3e || code === 0x22) return false;
    if (i < colon) {
      const alpha = (code | 0x20) >= 0x61 && (code | 0x20) <= 0x7a;
      const ok = alpha || (i > 0 && ((code >= 0x30 && code <= 0x39) || code === 0x2b || code === 0x2d || code === 0x2e));
      if (!ok) return false;
    }
  }
  return true;
}

export function parseSipUri(text: string): SipUri | null {
  const colon = text.indexOf(':');
  if (colon < 0) return null;
  const scheme = SCHEMES.get(text.slice(0, colon).toLowerCase());
  if (scheme === undefined) return null;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code <= 0x20 || code === 0x7f) return null;
  }

  let rest = text.slice(colon + 1);
  let headers: Param[] = [];
  const question = rest.indexOf('?');
  // An '@' after the '?' belongs to a URI header, not to the userinfo.
  let at = rest.indexOf('@');
  if (question >= 0 && at > question) at = -1;
  if (question >= 0) {
    const parsed = parseUriParams(rest.slice(question + 1), '&');
    if (parsed === null) return null;
    headers = parsed;
    rest = rest.slice(0, question);
  }

  let user: string | null = null;
  let password: string | null = null;
  if (at >= 0) {
    const userinfo = rest.slice(0, at);
    rest = rest.slice(at + 1);
    const passwordColon = userinfo.indexOf(':');
    user = passwordColon < 0 ? userinfo : userinfo.slice(0, passwordColon);
    password = passwordColon < 0 ? null : userinfo.slice(passwordColon + 1);
    if (user.length === 0) return null;
  }

  const semi = rest.indexOf(';');
  const hostport = semi < 0 ? rest : rest.slice(0, semi);
  const params = semi < 0 ? [] : parseUriParams(rest.slice(semi + 1), ';');
  if (params === null) return null;

  const hostPort = parseHostPort(hostport);
  if (hostPort === null) return null;
  return { scheme, user, password, host: hostPort.host, port: hostPort.port, params, headers };
}

/** `host[:port]` with an IPv6 literal in brackets; null when malformed. */
export function parseHostPort(text: string): { host: string; port: number | null } | null {
  let hostEnd: number;
  if (text.startsWith('[')) {
    hostEnd = text.indexOf(']') + 1;
    if (hostEnd <= 2) return null;
  } else {
    hostEnd = text.indexOf(':');
    if (hostEnd < 0) hostEnd = text.length;
  }
  const host = text.slice(0, hostEnd);
  if (host.length === 0) return null;
  for (let i = 0; i < host.length; i++) {
    if (!isHostChar(host.charCodeAt(i))) return null;
  }
  if (hostEnd === text.length) return { host, port: null };
  if (text.charCodeAt(hostEnd) !== 0x3a /* : */) return null;
  const port = parseDigits(text.slice(hostEnd + 1), 5);
  if (port === null || port === 0 || port > 65535) return null;
  return { host, port };
}

export function formatSipUri(uri: SipUri): string {
  let out = `${uri.scheme}:`;
  if (uri.user !== null) out += uri.password === null ? `${uri.user}@` : `${uri.user}:${uri.password}@`;
  out += uri.host;
  if (uri.port !== null) out += `:${uri.port}`;
  out += formatParams(uri.params);
  if (uri.headers.length > 0) out += `?${formatParams(uri.headers, '&').slice(1)}`;
  return out;
}

export function uriParam(uri: SipUri, name: string): string | null | undefined {
  return getParam(uri.params, name);
}

/** Host without IPv6 brackets, as sockets want it. */
export function bareHost(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** Host with IPv6 brackets, as SIP headers want it. */
export function bracketHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
