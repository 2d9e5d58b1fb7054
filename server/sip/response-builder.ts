/**
 * Builds responses from a request's header fields (RFC 3261 §8.2.6): Via (all,
 * including the received/rport we added), From, To (with our tag), Call-ID
 * and CSeq copied, then the extra fields, Server and Content-Length. Works on
 * a parsed request or on the fields a malformed one left behind.
 */
import { parseNameAddr } from './headers/name-addr.js';
import type { HeaderField } from './message.js';
import { serializeResponse } from './serializer.js';

export interface ResponseOptions {
  /** Value of the Server header (config sip.userAgent). */
  readonly server: string;
  readonly reason?: string | null;
  /** Tag added to To when the request's To has none. */
  readonly toTag?: string | null;
  /** Fields written after the copied ones (Contact, Allow, Warning...). */
  readonly headers?: readonly HeaderField[];
  /** Copy Record-Route too (responses that create a dialog, RFC 3261 §12.1.1). */
  readonly copyRecordRoute?: boolean;
  readonly body?: Buffer | string | null;
}

const COPIED: ReadonlySet<string> = new Set(['via', 'from', 'call-id', 'cseq']);
const MAX_WARNING_TEXT = 200;

function toWithTag(value: string, tag: string): string {
  const parsed = parseNameAddr(value);
  if (parsed !== null && parsed.tag !== null) return value;
  return `${value};tag=${tag}`;
}

export function buildResponse(requestHeaders: readonly HeaderField[], status: number, options: ResponseOptions): Buffer {
  const headers: HeaderField[] = [];
  for (const field of requestHeaders) {
    if (COPIED.has(field.name)) {
      headers.push(field);
    } else if (field.name === 'to') {
      // RFC 3261 §8.2.6.2: every response but 100 carries our To tag.
      const tag = status > 100 ? options.toTag : null;
      headers.push(tag ? { name: 'to', value: toWithTag(field.value, tag) } : field);
    } else if ((field.name === 'record-route' && options.copyRecordRoute) || (field.name === 'timestamp' && status === 100)) {
      headers.push(field);
    }
  }
  if (options.headers) headers.push(...options.headers);
  headers.push({ name: 'server', value: options.server });
  return serializeResponse(status, options.reason ?? null, headers, options.body ?? null);
}

/** `Warning: 399 host "text"` (RFC 3261 §20.43), with the text made safe for a quoted-string. */
export function warningField(host: string, text: string): HeaderField {
  // Cut before escaping, so a cut can never split an escape and unbalance the quotes.
  const safe = text.slice(0, MAX_WARNING_TEXT).replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/(["\\])/g, '\\$1');
  return { name: 'warning', value: `399 ${host} "${safe}"` };
}

/** Extra header values from an app: CR/LF would inject headers, so they become spaces. */
export function safeHeaderValue(value: string): string {
  return value.replace(/[\r\n]+/g, ' ').trim();
}
