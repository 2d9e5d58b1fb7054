/**
 * The SIP message parser (RFC 3261 §7). It never throws: every outcome is a
 * `ParseResult`. Work is bounded by the configured limits, done by index
 * scanning (no regex per line), and the body stays a view over the input.
 *
 * A malformed request whose Via, From, To, Call-ID and CSeq fields are all
 * present can still be answered (400/505/513): the error then carries the
 * fields gathered so far and `canRespond: true`.
 */
import { isToken, parseDigits } from './headers/chars.js';
import { isListHeader, normalizeHeaderName } from './headers/names.js';
import { emptyAccumulator, readHeader, type HeaderAccumulator, type HeaderErrorCode } from './headers/readers.js';
import { splitHeaderList } from './headers/split.js';
import type { HeaderField, SipMessage } from './message.js';
import { isAbsoluteUri, parseSipUri } from './uri.js';

export interface ParserLimits {
  /** Largest whole message; larger requests get 513 when answerable. */
  readonly maxMessageBytes: number;
  /** Most header lines (before list splitting). */
  readonly maxHeaders: number;
  /** Longest start line or (unfolded) header line. */
  readonly maxHeaderLineBytes: number;
}

export const DEFAULT_MAX_HEADER_LINE_BYTES = 8192;

export type ParseErrorCode =
  | 'empty'
  | 'too-large'
  | 'nul-byte'
  | 'no-header-end'
  | 'bad-start-line'
  | 'bad-version'
  | 'bad-line-ending'
  | 'line-too-long'
  | 'too-many-headers'
  | 'bad-header'
  | 'missing-header'
  | 'cseq-mismatch'
  | 'body-truncated'
  | HeaderErrorCode;

export interface ParseError {
  readonly code: ParseErrorCode;
  /** What was wrong, in words (goes into the 400's Warning). */
  readonly reason: string;
  /** True for a request with enough headers to build a response. */
  readonly canRespond: boolean;
  /** Status to answer with when `canRespond`: 400, 505 or 513. */
  readonly status: number;
  /** The header fields to build that response from (null when `canRespond` is false). */
  readonly headers: readonly HeaderField[] | null;
  /** First word of a request line (an ACK is never answered), or null. */
  readonly method: string | null;
}

export type ParseResult = { readonly ok: true; readonly message: SipMessage } | { readonly ok: false; readonly error: ParseError };

const CRLF = '\r\n';
const END_OF_HEADERS = Buffer.from('\r\n\r\n');
const DEFAULT_MAX_FORWARDS = 70;

const RESPONSE_HEADERS = ['via', 'from', 'to', 'call-id', 'cseq'] as const;

function hasResponseHeaders(fields: readonly HeaderField[]): boolean {
  let found = 0;
  for (const field of fields) {
    const index = (RESPONSE_HEADERS as readonly string[]).indexOf(field.name);
    if (index >= 0) found |= 1 << index;
  }
  return found === (1 << RESPONSE_HEADERS.length) - 1;
}

/** `method`: the request line's first word, or null for a response or when unknown. */
function failure(code: ParseErrorCode, reason: string, method: string | null, fields: HeaderField[] | null, status = 400): ParseResult {
  const canRespond = method !== null && method !== 'ACK' && fields !== null && hasResponseHeaders(fields);
  return { ok: false, error: { code, reason, canRespond, status, headers: canRespond ? fields : null, method } };
}

interface Collected {
  readonly startLine: string;
  readonly fields: HeaderField[];
  readonly error: { code: ParseErrorCode; reason: string } | null;
}

/** Splits the header section into the start line and header fields (folding undone, lists split). */
function collectFields(head: string, limits: ParserLimits): Collected {
  const fields: HeaderField[] = [];
  const firstEnd = head.indexOf(CRLF);
  const startLine = firstEnd < 0 ? head : head.slice(0, firstEnd);
  const stop = (code: ParseErrorCode, reason: string): Collected => ({ startLine, fields, error: { code, reason } });
  if (startLine.length > limits.maxHeaderLineBytes) return stop('line-too-long', 'start line too long');

  let lineCount = 0;
  let pending: string | null = null;
  const flush = (line: string): Collected | null => {
    lineCount++;
    if (lineCount > limits.maxHeaders) return stop('too-many-headers', `more than ${limits.maxHeaders} header lines`);
    const colon = line.indexOf(':');
    if (colon <= 0) return stop('bad-header', 'header line without a name and colon');
    const name = line.slice(0, colon).trimEnd();
    if (!isToken(name)) return stop('bad-header', 'invalid header name');
    const normalized = normalizeHeaderName(name);
    const value = line.slice(colon + 1).trim();
    if (value.length > 0 && isListHeader(normalized)) {
      const items = splitHeaderList(value);
      if (items === null) return stop('bad-header', `malformed ${normalized} list`);
      for (const item of items) fields.push({ name: normalized, value: item });
    } else {
      fields.push({ name: normalized, value });
    }
    return null;
  };

  let cursor = firstEnd < 0 ? head.length : firstEnd + 2;
  while (cursor < head.length) {
    let end = head.indexOf(CRLF, cursor);
    if (end < 0) end = head.length;
    const line = head.slice(cursor, end);
    cursor = end + 2;
    if (line.includes('\r') || line.includes('\n')) return stop('bad-line-ending', 'bare CR or LF in a header line');
    const first = line.charCodeAt(0);
    if (first === 0x20 || first === 0x09) {
      // Line folding (RFC 3261 §7.3.1): the continuation joins the previous line with one space.
      if (pending === null) return stop('bad-header', 'continuation line without a header');
      pending = `${pending} ${line.trim()}`;
    } else {
      if (pending !== null) {
        const failed = flush(pending);
        if (failed) return failed;
      }
      pending = line;
    }
    if (pending.length > limits.maxHeaderLineBytes) return stop('line-too-long', 'header line too long');
  }
  if (pending !== null) {
    const failed = flush(pending);
    if (failed) return failed;
  }
  return { startLine, fields, error: null };
}

const HEADER_ERROR_TEXT: Readonly<Record<string, string>> = {
  'bad-via': 'malformed Via header',
  'bad-from': 'malformed From header',
  'bad-to': 'malformed To header',
  'bad-contact': 'malformed Contact header',
  'bad-route': 'malformed Route or Record-Route header',
  'bad-call-id': 'malformed Call-ID header',
  'bad-cseq': 'malformed CSeq header',
  'bad-max-forwards': 'malformed Max-Forwards header',
  'bad-content-length': 'malformed Content-Length header',
  'duplicate-header': 'a single-valued header appears more than once',
};

function readFields(fields: readonly HeaderField[]): { acc: HeaderAccumulator; error: { code: ParseErrorCode; reason: string } | null } {
  const acc = emptyAccumulator();
  for (const field of fields) {
    const code = readHeader(acc, field.name, field.value);
    if (code !== null) {
      const reason = code === 'duplicate-header' ? `more than one ${field.name} header` : (HEADER_ERROR_TEXT[code] ?? code);
      return { acc, error: { code, reason } };
    }
  }
  return { acc, error: null };
}


interface StartLine {
  readonly request: { method: string; requestUri: string } | null;
  readonly response: { status: number; reason: string } | null;
}

type StartLineResult = StartLine | { code: ParseErrorCode; reason: string; status: number };

function parseStartLine(line: string): StartLineResult {
  if (line.startsWith('SIP/')) {
    // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase
    if (!line.startsWith('SIP/2.0 ')) return { code: 'bad-version', reason: 'unsupported SIP version', status: 505 };
    const status = parseDigits(line.slice(8, 11), 3);
    if (status === null || status < 100 || status > 699 || (line.length > 11 && line.charCodeAt(11) !== 0x20)) {
      return { code: 'bad-start-line', reason: 'malformed status line', status: 400 };
    }
    return { request: null, response: { status, reason: line.slice(12) } };
  }
  // Request-Line = Method SP Request-URI SP SIP-Version
  const firstSpace = line.indexOf(' ');
  const secondSpace = firstSpace < 0 ? -1 : line.indexOf(' ', firstSpace + 1);
  if (secondSpace < 0 || line.indexOf(' ', secondSpace + 1) >= 0) {
    return { code: 'bad-start-line', reason: 'malformed request line', status: 400 };
  }
  const method = line.slice(0, firstSpace);
  const requestUri = line.slice(firstSpace + 1, secondSpace);
  const version = line.slice(secondSpace + 1);
  if (!isToken(method)) return { code: 'bad-start-line', reason: 'invalid method in request line', status: 400 };
  if (!isAbsoluteUri(requestUri)) return { code: 'bad-start-line', reason: 'invalid Request-URI', status: 400 };
  if (version !== 'SIP/2.0') {
    return /^SIP\/[0-9]+\.[0-9]+$/i.test(version)
      ? { code: 'bad-version', reason: 'unsupported SIP version', status: 505 }
      : { code: 'bad-start-line', reason: 'malformed SIP version', status: 400 };
  }
  return { request: { method, requestUri }, response: null };
}

/** The first word of a request line, or null for a status line. */
function requestMethod(startLine: string): string | null {
  if (startLine.startsWith('SIP/')) return null;
  const space = startLine.indexOf(' ');
  return space < 0 ? startLine : startLine.slice(0, space);
}

/** Parses one whole SIP message (a UDP datagram, or one message framed off a TCP stream). */
export function parseSipMessage(data: Buffer, limits: ParserLimits): ParseResult {
  // RFC 3261 §7.5: CRLFs before the start line are ignored (keep-alives are just that).
  let start = 0;
  while (start < data.length && (data[start] === 0x0d || data[start] === 0x0a)) start++;
  if (start === data.length) return failure('empty', 'empty message', null, null);

  const headerEnd = data.indexOf(END_OF_HEADERS, start);
  const sectionEnd = headerEnd < 0 ? data.length : headerEnd;
  // No early size cut: the input is at most one datagram (64 KiB) or what the stream framer let
  // through, and parsing the headers of an oversized request lets us answer it 513.
  const nul = data.indexOf(0, start);
  if (nul >= 0 && nul < sectionEnd) return failure('nul-byte', 'NUL byte in the header section', null, null);

  const head = data.toString('utf8', start, sectionEnd);
  const collected = collectFields(head, limits);
  const { fields } = collected;
  const method = requestMethod(collected.startLine);
  const startLine = parseStartLine(collected.startLine);
  if ('code' in startLine) return failure(startLine.code, startLine.reason, method, fields, startLine.status);
  if (collected.error) return failure(collected.error.code, collected.error.reason, method, fields);
  if (headerEnd < 0) return failure('no-header-end', 'no empty line after the headers', method, fields);

  const { acc, error } = readFields(fields);
  if (error) return failure(error.code, error.reason, method, fields);
  const { via, from, to, callId, cseq } = acc;
  if (via.length === 0) return failure('missing-header', 'missing Via header', method, fields);
  if (from === undefined) return failure('missing-header', 'missing From header', method, fields);
  if (to === undefined) return failure('missing-header', 'missing To header', method, fields);
  if (callId === undefined) return failure('missing-header', 'missing Call-ID header', method, fields);
  if (cseq === undefined) return failure('missing-header', 'missing CSeq header', method, fields);

  // RFC 3261 §18.3: a shorter body than declared is malformed; extra bytes are cut off.
  let body = data.subarray(headerEnd + 4);
  if (acc.contentLength !== undefined) {
    if (body.length < acc.contentLength) return failure('body-truncated', 'body shorter than Content-Length', method, fields);
    if (body.length > acc.contentLength) body = body.subarray(0, acc.contentLength);
  }
  if (headerEnd + 4 + body.length - start > limits.maxMessageBytes) {
    return failure('too-large', `message larger than ${limits.maxMessageBytes} bytes`, method, fields, 513);
  }

  const common = { headers: fields, body, via, from, to, callId, cseq, contacts: acc.contacts, recordRoutes: acc.recordRoutes };
  if (startLine.response) {
    return { ok: true, message: { kind: 'response', status: startLine.response.status, reason: startLine.response.reason, ...common } };
  }
  if (startLine.request === null) return failure('bad-start-line', 'malformed start line', null, null);
  const { requestUri } = startLine.request;
  if (cseq.method !== startLine.request.method) return failure('cseq-mismatch', 'CSeq method does not match the request line', method, fields);
  return {
    ok: true,
    message: {
      kind: 'request',
      method: startLine.request.method,
      requestUri,
      uri: parseSipUri(requestUri),
      maxForwards: acc.maxForwards ?? DEFAULT_MAX_FORWARDS,
      routes: acc.routes,
      ...common,
    },
  };
}
