/**
 * Via (RFC 3261 §20.42): `SIP/2.0/UDP host:port;branch=z9hG4bK...;rport`.
 * LWS is allowed around the slashes. The received/rport rewrite of RFC 3261
 * §18.2.1 and RFC 3581 §4 lives here too.
 */
import { isHostChar, isTokenChar, isWhitespace, parseDigits, skipWhitespace } from './chars.js';
import { formatParams, getParam, parseHeaderParams, withParam, type Param } from './params.js';

/** Branches of RFC 3261 requests start with this "magic cookie" (§8.1.1.7). */
export const BRANCH_MAGIC_COOKIE = 'z9hG4bK';

export interface Via {
  /** Upper-case transport token: UDP, TCP, TLS, WS, ... */
  readonly transport: string;
  /** sent-by host as written (IPv6 in brackets). */
  readonly host: string;
  readonly port: number | null;
  readonly params: readonly Param[];
  readonly branch: string | null;
}

/** Reads one token after optional whitespace; returns [token, nextIndex] or null. */
function readToken(text: string, start: number): [string, number] | null {
  let i = skipWhitespace(text, start);
  const tokenStart = i;
  while (i < text.length && isTokenChar(text.charCodeAt(i))) i++;
  if (i === tokenStart) return null;
  return [text.slice(tokenStart, i), skipWhitespace(text, i)];
}

function expectSlash(text: string, index: number): number {
  return index < text.length && text.charCodeAt(index) === 0x2f /* / */ ? index + 1 : -1;
}

export function parseVia(value: string): Via | null {
  const name = readToken(value, 0);
  if (name === null || name[0].toUpperCase() !== 'SIP') return null;
  let i = expectSlash(value, name[1]);
  if (i < 0) return null;
  const version = readToken(value, i);
  if (version === null || version[0] !== '2.0') return null;
  i = expectSlash(value, version[1]);
  if (i < 0) return null;
  const transport = readToken(value, i);
  if (transport === null) return null;
  i = transport[1];
  // sent-by must be separated from the protocol by LWS.
  if (i === 0 || !isWhitespace(value.charCodeAt(i - 1))) return null;

  const hostStart = i;
  if (value.charCodeAt(i) === 0x5b /* [ */) {
    const close = value.indexOf(']', i);
    if (close < 0) return null;
    i = close + 1;
  } else {
    while (i < value.length && isHostChar(value.charCodeAt(i)) && value.charCodeAt(i) !== 0x3a) i++;
  }
  const host = value.slice(hostStart, i);
  if (host.length === 0 || !isValidHost(host)) return null;
  let port: number | null = null;
  i = skipWhitespace(value, i);
  if (value.charCodeAt(i) === 0x3a /* : */) {
    i = skipWhitespace(value, i + 1);
    const portStart = i;
    while (i < value.length && value.charCodeAt(i) >= 0x30 && value.charCodeAt(i) <= 0x39) i++;
    port = parseDigits(value.slice(portStart, i), 5);
    if (port === null || port === 0 || port > 65535) return null;
  }
  const params = parseHeaderParams(value, i);
  if (params === null) return null;
  const branch = getParam(params, 'branch');
  if (branch === null) return null; // "branch" without a value
  return { transport: transport[0].toUpperCase(), host, port, params, branch: branch ?? null };
}

function isValidHost(host: string): boolean {
  if (host.startsWith('[')) return host.endsWith(']') && host.length > 2;
  for (let i = 0; i < host.length; i++) {
    const code = host.charCodeAt(i);
    if (code === 0x5b || code === 0x5d) return false; // brackets only around IPv6
  }
  return true;
}

export function formatVia(via: Via): string {
  const port = via.port === null ? '' : `:${via.port}`;
  return `SIP/2.0/${via.transport} ${via.host}${port}${formatParams(via.params)}`;
}

/**
 * The receiving side of RFC 3261 §18.2.1 + RFC 3581 §4: `received` when the
 * sent-by host differs from the packet's source (always, when rport was
 * asked for), and `rport` filled with the source port when present.
 * Returns null when nothing changes.
 */
export function receivedVia(via: Via, sourceAddress: string, sourcePort: number): Via | null {
  const rport = getParam(via.params, 'rport');
  const rportRequested = rport !== undefined;
  const sentByHost = via.host.startsWith('[') ? via.host.slice(1, -1) : via.host;
  if (!rportRequested && sentByHost === sourceAddress) return null;
  let params = withParam(via.params, 'received', sourceAddress);
  if (rportRequested) params = withParam(params, 'rport', String(sourcePort));
  return { ...via, params };
}

export function hasMagicCookie(branch: string | null): branch is string {
  return branch !== null && branch.startsWith(BRANCH_MAGIC_COOKIE);
}
