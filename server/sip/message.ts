/**
 * The parsed SIP message model. `headers` keeps every field in wire order
 * (list headers such as Via are split into one field per element) under its
 * lower-case long name; the typed fields are the headers the stack reads.
 * `body` is a view over the received bytes, not a copy.
 */
import type { CSeq } from './headers/cseq.js';
import type { NameAddrValue } from './headers/name-addr.js';
import { normalizeHeaderName } from './headers/names.js';
import type { Via } from './headers/via.js';
import type { SipUri } from './uri.js';

export interface HeaderField {
  /** Lower-case long form ("call-id", never "i"). */
  readonly name: string;
  /** Value with folding undone and outer whitespace trimmed. */
  value: string;
}

interface ParsedCommon {
  readonly headers: HeaderField[];
  readonly body: Buffer;
  /** Top Via first. The stack rewrites `via[0]` (received/rport) on requests it receives. */
  readonly via: Via[];
  readonly from: NameAddrValue;
  readonly to: NameAddrValue;
  readonly callId: string;
  readonly cseq: CSeq;
  readonly contacts: readonly NameAddrValue[];
  readonly recordRoutes: readonly NameAddrValue[];
}

export interface SipRequest extends ParsedCommon {
  readonly kind: 'request';
  readonly method: string;
  /** Request-URI as written. */
  readonly requestUri: string;
  /** The Request-URI parsed, or null when it is not a sip:/sips: URI. */
  readonly uri: SipUri | null;
  /** 70 when the header is missing (tolerated). */
  readonly maxForwards: number;
  readonly routes: readonly NameAddrValue[];
}

export interface SipResponse extends ParsedCommon {
  readonly kind: 'response';
  readonly status: number;
  readonly reason: string;
}

export type SipMessage = SipRequest | SipResponse;

/** First value of a header by any spelling of its name ("Call-ID", "call-id", "i"). */
export function headerValue(headers: readonly HeaderField[], name: string): string | undefined {
  const wanted = normalizeHeaderName(name);
  for (const field of headers) {
    if (field.name === wanted) return field.value;
  }
  return undefined;
}

/** Every value of a header, in order (list headers already split). */
export function headerValues(headers: readonly HeaderField[], name: string): string[] {
  const wanted = normalizeHeaderName(name);
  const values: string[] = [];
  for (const field of headers) {
    if (field.name === wanted) values.push(field.value);
  }
  return values;
}

/** Option tags of Require/Supported/Proxy-Require, lower-cased, empties skipped. */
export function optionTags(headers: readonly HeaderField[], name: string): string[] {
  const tags: string[] = [];
  for (const value of headerValues(headers, name)) {
    const tag = value.trim().toLowerCase();
    if (tag.length > 0) tags.push(tag);
  }
  return tags;
}

/** The body as text (SDP), or null when empty. */
export function bodyText(message: { readonly body: Buffer }): string | null {
  return message.body.length === 0 ? null : message.body.toString('utf8');
}
