/**
 * Minimal SIP message text handling for the test client: build requests and
 * responses from templates, parse what comes back (start line, headers by
 * name including compact forms, body). Deliberately lenient and small: it is
 * a test tool, not the server's strict parser (server/sip/), and must not
 * share code with it.
 */

/** RFC 3261 §7.3.3 and later RFCs' compact header names. */
const COMPACT_FORMS: Readonly<Record<string, string>> = {
  i: 'call-id',
  m: 'contact',
  e: 'content-encoding',
  l: 'content-length',
  c: 'content-type',
  f: 'from',
  s: 'subject',
  k: 'supported',
  t: 'to',
  v: 'via',
  o: 'event',
  u: 'allow-events',
  r: 'refer-to',
  b: 'referred-by',
  x: 'session-expires',
};

export function canonicalHeaderName(name: string): string {
  const lower = name.trim().toLowerCase();
  return COMPACT_FORMS[lower] ?? lower;
}

export type HeaderList = readonly (readonly [name: string, value: string])[];

export class SipMessage {
  private constructor(
    /** 'request' or 'response'. */
    readonly kind: 'request' | 'response',
    /** Request method, or the CSeq method of a response. */
    readonly method: string,
    /** Request-URI ('' for responses). */
    readonly uri: string,
    /** Status code (0 for requests). */
    readonly status: number,
    readonly reason: string,
    readonly headers: HeaderList,
    readonly body: string,
  ) {}

  /** Parses one complete message; returns null when the start line or a header is not SIP. */
  static parse(text: string): SipMessage | null {
    const split = /\r?\n\r?\n/.exec(text);
    const head = split ? text.slice(0, split.index) : text;
    const body = split ? text.slice(split.index + split[0].length) : '';
    const lines = head.split(/\r?\n/);
    const startLine = lines.shift() ?? '';
    const headers: [string, string][] = [];
    for (const line of lines) {
      const last = headers[headers.length - 1];
      if (/^[ \t]/.test(line) && last) {
        last[1] += ' ' + line.trim(); // folded continuation line
        continue;
      }
      const colon = line.indexOf(':');
      if (colon <= 0) return null;
      headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
    }
    const cseqMethod = (headers.find(([n]) => canonicalHeaderName(n) === 'cseq')?.[1] ?? '').split(/\s+/)[1] ?? '';
    const response = /^SIP\/2\.0 (\d{3}) ?(.*)$/.exec(startLine);
    if (response) {
      return new SipMessage('response', cseqMethod.toUpperCase(), '', Number(response[1]), response[2] ?? '', headers, body);
    }
    const request = /^([A-Za-z!%*_+`'~.-]+) (\S+) SIP\/2\.0$/.exec(startLine);
    if (request) return new SipMessage('request', request[1] ?? '', request[2] ?? '', 0, '', headers, body);
    return null;
  }

  /** First value of a header (case-insensitive, compact forms understood). */
  header(name: string): string | undefined {
    const wanted = canonicalHeaderName(name);
    return this.headers.find(([n]) => canonicalHeaderName(n) === wanted)?.[1];
  }

  /** Every value of a header, comma-separated values split apart (outside quotes and <>). */
  headerAll(name: string): string[] {
    const wanted = canonicalHeaderName(name);
    return this.headers.filter(([n]) => canonicalHeaderName(n) === wanted).flatMap(([, v]) => splitCommaList(v));
  }

  get callId(): string {
    return this.header('call-id') ?? '';
  }

  get cseq(): number {
    return Number.parseInt(this.header('cseq') ?? '', 10);
  }

  /** Branch parameter of the top Via, or ''. */
  get topViaBranch(): string {
    return paramOf(this.headerAll('via')[0] ?? '', 'branch') ?? '';
  }
}

/** Splits "a, <sip:b,c>, \"d,e\" <f>" at top-level commas. */
export function splitCommaList(value: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch === '"' && value[i - 1] !== '\\') quoted = !quoted;
    else if (!quoted && ch === '<') depth++;
    else if (!quoted && ch === '>') depth--;
    else if (!quoted && depth === 0 && ch === ',') {
      out.push(value.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(value.slice(start).trim());
  return out.filter((v) => v.length > 0);
}

/** A `;name=value` parameter of a header value (outside the <> of a name-addr), or undefined. */
export function paramOf(value: string, name: string): string | undefined {
  const close = value.lastIndexOf('>');
  const params = close >= 0 ? value.slice(close + 1) : value;
  const match = new RegExp(`;\\s*${name}\\s*=\\s*("[^"]*"|[^;,\\s]+)`, 'i').exec(params);
  return match?.[1]?.replace(/^"|"$/g, '');
}

/** The URI of a name-addr ("Bob" <sip:b@h>;tag=x → sip:b@h) or of a bare addr-spec. */
export function uriOf(value: string): string {
  const angle = /<([^>]*)>/.exec(value);
  if (angle) return angle[1] ?? '';
  return value.split(';')[0]?.trim() ?? '';
}

export interface OutgoingMessage {
  /** "INVITE sip:echo@127.0.0.1:5060 SIP/2.0" or "SIP/2.0 200 OK". */
  readonly startLine: string;
  readonly headers: HeaderList;
  readonly body?: string;
  readonly contentType?: string;
}

/** Serialises a message; Content-Type and Content-Length are added here, from the body. */
export function serialize(message: OutgoingMessage): string {
  const body = message.body ?? '';
  const lines = [message.startLine, ...message.headers.map(([n, v]) => `${n}: ${v}`)];
  if (body.length > 0) lines.push(`Content-Type: ${message.contentType ?? 'application/sdp'}`);
  lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

const REASONS: Readonly<Record<number, string>> = {
  100: 'Trying',
  180: 'Ringing',
  200: 'OK',
  400: 'Bad Request',
  481: 'Call/Transaction Does Not Exist',
  486: 'Busy Here',
  487: 'Request Terminated',
  488: 'Not Acceptable Here',
  501: 'Not Implemented',
};

/** A response to `request` (RFC 3261 §8.2.6: Via, From, To, Call-ID, CSeq copied). */
export function buildResponse(
  request: SipMessage,
  status: number,
  options: { reason?: string; headers?: HeaderList; body?: string; toTag?: string } = {},
): string {
  const copied = request.headers.filter(([n]) => ['via', 'from', 'call-id', 'cseq'].includes(canonicalHeaderName(n)));
  let to = request.header('to') ?? '';
  if (options.toTag && paramOf(to, 'tag') === undefined) to += `;tag=${options.toTag}`;
  return serialize({
    startLine: `SIP/2.0 ${status} ${options.reason ?? REASONS[status] ?? 'Unknown'}`,
    headers: [...copied, ['To', to], ...(options.headers ?? [])],
    ...(options.body === undefined ? {} : { body: options.body }),
  });
}
