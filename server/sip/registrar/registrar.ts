/**
 * REGISTER processing (RFC 3261 §10.3) over a `LocationService`: add,
 * refresh and remove bindings (one or several contacts, `*` to remove all),
 * expiry from the contact's `expires` parameter or the Expires header, 423
 * for intervals below our minimum, stale requests (same Call-ID, CSeq not
 * higher) refused, and the 200 listing every binding with its remaining time.
 * Authentication has already happened when this runs.
 */
import { parseDigits } from '../headers/chars.js';
import { getParam } from '../headers/params.js';
import type { NameAddrValue } from '../headers/name-addr.js';
import { headerValue, type HeaderField, type SipRequest } from '../message.js';
import type { Flow } from '../transport.js';
import { bareHost, parseSipUri } from '../uri.js';
import type { Binding, LocationService } from './location-service.js';

export const DEFAULT_EXPIRES_S = 3600;
export const MIN_EXPIRES_S = 60;
export const MAX_EXPIRES_S = 7200;
/** Most contacts one user may bind, and most users with bindings (an open registrar must not grow without bound). */
export const MAX_BINDINGS_PER_USER = 10;
export const MAX_USERS = 100_000;

export interface RegisterOutcome {
  readonly status: number;
  readonly reason?: string;
  readonly headers: readonly HeaderField[];
  /** Why it failed, for the Warning and the reject log. */
  readonly warning?: string;
}

/** Comparable form of a contact URI: scheme, user, lower-cased host, port, transport. */
export function contactKey(uri: string): string | null {
  const parsed = parseSipUri(uri);
  if (parsed === null) return null;
  const transport = getParam(parsed.params, 'transport');
  return `${parsed.scheme}:${parsed.user ?? ''}@${bareHost(parsed.host).toLowerCase()}:${parsed.port ?? ''};${typeof transport === 'string' ? transport.toLowerCase() : ''}`;
}

function expiresOf(contact: NameAddrValue, headerExpires: number | null): number | null {
  const param = getParam(contact.params, 'expires');
  if (typeof param === 'string') return parseDigits(param, 10);
  return headerExpires ?? DEFAULT_EXPIRES_S;
}

function qOf(contact: NameAddrValue): number | null {
  const q = getParam(contact.params, 'q');
  if (typeof q !== 'string' || !/^(0(\.[0-9]{0,3})?|1(\.0{0,3})?)$/.test(q)) return null;
  return Number(q);
}

function fail(status: number, warning: string, headers: readonly HeaderField[] = []): RegisterOutcome {
  return { status, warning, headers };
}

export function processRegister(request: SipRequest, flow: Flow, location: LocationService, now: number): RegisterOutcome {
  const user = parseSipUri(request.to.uri)?.user ?? null;
  if (user === null) return fail(404, 'the To header names no user');
  const expiresHeader = headerValue(request.headers, 'expires');
  const headerExpires = expiresHeader === undefined ? null : parseDigits(expiresHeader.trim(), 10);
  if (expiresHeader !== undefined && headerExpires === null) return fail(400, 'malformed Expires header');
  const current = location.lookup(user, now);
  const contacts = request.contacts;

  if (contacts.some((contact) => contact.uri === '*')) {
    // §10.3 step 6: "*" only alone and with Expires: 0; it removes every binding (older requests excepted).
    if (contacts.length !== 1 || headerExpires !== 0) return fail(400, 'Contact: * needs Expires: 0 and no other contact');
    const kept = current.filter((binding) => binding.callId === request.callId && binding.cseq >= request.cseq.seq);
    location.replace(user, kept);
    return ok(kept, now);
  }

  const bindings = new Map(current.map((binding) => [binding.key, binding]));
  for (const contact of contacts) {
    const key = contactKey(contact.uri);
    if (key === null) return fail(400, `unusable Contact URI ${contact.uri}`);
    const expires = expiresOf(contact, headerExpires);
    if (expires === null) return fail(400, 'malformed expires parameter');
    if (expires > 0 && expires < MIN_EXPIRES_S) {
      return { status: 423, headers: [{ name: 'min-expires', value: String(MIN_EXPIRES_S) }], warning: `expiry below ${MIN_EXPIRES_S} s` };
    }
    const existing = bindings.get(key);
    // §10.3 step 7: same Call-ID and a CSeq not higher than the binding's: the request is out of order.
    if (existing !== undefined && existing.callId === request.callId && existing.cseq >= request.cseq.seq) {
      return fail(500, 'REGISTER out of order (CSeq not higher than the binding)');
    }
    if (expires === 0) {
      bindings.delete(key);
      continue;
    }
    bindings.set(key, {
      user,
      uri: contact.uri,
      key,
      expiresAt: now + Math.min(expires, MAX_EXPIRES_S) * 1000,
      callId: request.callId,
      cseq: request.cseq.seq,
      q: qOf(contact),
      flow,
      userAgent: headerValue(request.headers, 'user-agent') ?? null,
      updatedAt: now,
    });
  }
  const updated = [...bindings.values()];
  if (updated.length > MAX_BINDINGS_PER_USER) return fail(403, `more than ${MAX_BINDINGS_PER_USER} contacts for one user`);
  if (current.length === 0 && updated.length > 0 && location.users >= MAX_USERS) {
    return { status: 503, headers: [{ name: 'retry-after', value: '60' }], warning: 'registrar full' };
  }
  location.replace(user, updated);
  return ok(updated, now);
}

/** §10.3 step 8: the 200 lists every current binding with its remaining time, plus Date. */
function ok(bindings: readonly Binding[], now: number): RegisterOutcome {
  const headers: HeaderField[] = bindings.map((binding) => ({
    name: 'contact',
    value: `<${binding.uri}>;expires=${Math.max(0, Math.round((binding.expiresAt - now) / 1000))}`,
  }));
  headers.push({ name: 'date', value: new Date().toUTCString() });
  return { status: 200, headers };
}
