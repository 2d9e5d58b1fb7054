/**
 * DTMF carried in SIP INFO bodies, the two formats softphones send:
 *   application/dtmf-relay   "Signal=5\r\nDuration=160\r\n" (Cisco style; most phones)
 *   application/dtmf         "5" (a key, or its RFC 4733 event code 0-15)
 * Pure parsing: the dialog answers the INFO and emits the event.
 */
import { headerValue, type SipRequest } from './message.js';

export interface InfoDtmf {
  readonly digit: string;
  /** Duration the sender gave, or the default when it gave none. */
  readonly durationMs: number;
}

export type InfoBody =
  | { readonly kind: 'dtmf'; readonly dtmf: InfoDtmf }
  /** An empty INFO (some UAs use it as a keep-alive). */
  | { readonly kind: 'empty' }
  /** A content type we do not take: 415 with Accept. */
  | { readonly kind: 'unsupported' }
  /** A DTMF content type whose body names no key: 400. */
  | { readonly kind: 'malformed' };

/** Content types we take in INFO, for the 415's Accept. */
export const INFO_ACCEPT = 'application/dtmf-relay, application/dtmf';
export const DEFAULT_DTMF_DURATION_MS = 250;
const MAX_DURATION_MS = 60_000;

/** RFC 4733 event codes 0-15 → keys. */
const EVENT_KEYS = '0123456789*#ABCD';

function keyOf(signal: string): string | null {
  const text = signal.trim().toUpperCase();
  if (text.length === 1 && EVENT_KEYS.includes(text)) return text;
  if (/^[0-9]{1,2}$/.test(text)) return EVENT_KEYS.charAt(Number(text)) || null;
  return null;
}

function durationOf(text: string | undefined): number {
  if (text === undefined || !/^[0-9]{1,6}$/.test(text.trim())) return DEFAULT_DTMF_DURATION_MS;
  const value = Number(text.trim());
  return value > 0 && value <= MAX_DURATION_MS ? value : DEFAULT_DTMF_DURATION_MS;
}

/** `Signal=5` / `Duration=160` lines; keys are case-insensitive, blanks around '=' allowed. */
function parseDtmfRelay(body: string): InfoDtmf | null {
  const fields = new Map<string, string>();
  for (const line of body.split(/\r?\n/)) {
    const eq = line.indexOf('=');
    if (eq > 0) fields.set(line.slice(0, eq).trim().toLowerCase(), line.slice(eq + 1).trim());
  }
  const signal = fields.get('signal');
  const digit = signal === undefined ? null : keyOf(signal);
  return digit === null ? null : { digit, durationMs: durationOf(fields.get('duration')) };
}

function parseDtmf(body: string): InfoDtmf | null {
  const digit = keyOf(body);
  return digit === null ? null : { digit, durationMs: DEFAULT_DTMF_DURATION_MS };
}

const PARSERS: ReadonlyMap<string, (body: string) => InfoDtmf | null> = new Map([
  ['application/dtmf-relay', parseDtmfRelay],
  ['application/dtmf', parseDtmf],
]);

export function readInfoBody(request: SipRequest): InfoBody {
  if (request.body.length === 0) return { kind: 'empty' };
  const contentType = headerValue(request.headers, 'content-type') ?? '';
  const semicolon = contentType.indexOf(';');
  const mediaType = (semicolon < 0 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
  const parse = PARSERS.get(mediaType);
  if (parse === undefined) return { kind: 'unsupported' };
  const dtmf = parse(request.body.toString('utf8'));
  return dtmf === null ? { kind: 'malformed' } : { kind: 'dtmf', dtmf };
}

/** The body of an INFO we send for `digit` (application/dtmf-relay, the most widely understood). */
export function dtmfRelayBody(digit: string, durationMs: number): string {
  return `Signal=${digit}\r\nDuration=${Math.round(durationMs)}\r\n`;
}
