/**
 * Header names: compact forms (RFC 3261 §7.3.3 and later RFCs), the canonical
 * spelling we write, and which headers are comma-separated lists that the
 * parser splits into one field per element.
 */

const COMPACT: ReadonlyMap<string, string> = new Map(
  Object.entries({
    i: 'call-id',
    m: 'contact',
    f: 'from',
    t: 'to',
    v: 'via',
    l: 'content-length',
    c: 'content-type',
    k: 'supported',
    s: 'subject',
    e: 'content-encoding',
    o: 'event',
    u: 'allow-events',
    r: 'refer-to',
    b: 'referred-by',
    x: 'session-expires',
    a: 'accept-contact',
    j: 'reject-contact',
    d: 'request-disposition',
    y: 'identity',
  }),
);

/** Names whose usual title-casing would be wrong (a Map: wire names like "constructor" must not hit Object.prototype). */
const SPECIAL_CASE: ReadonlyMap<string, string> = new Map(
  Object.entries({
    'call-id': 'Call-ID',
    cseq: 'CSeq',
    'www-authenticate': 'WWW-Authenticate',
    'mime-version': 'MIME-Version',
    'rseq': 'RSeq',
    'rack': 'RAck',
    'sip-etag': 'SIP-ETag',
    'sip-if-match': 'SIP-If-Match',
  }),
);

/** Headers the parser splits on commas (their grammar is a list and we read them). */
const LIST_HEADERS = new Set(['via', 'contact', 'route', 'record-route', 'require', 'proxy-require', 'supported']);

/** Lower-case long form of a header name as it appeared on the wire. */
export function normalizeHeaderName(name: string): string {
  const lower = name.toLowerCase();
  if (lower.length === 1) return COMPACT.get(lower) ?? lower;
  return lower;
}

export function isListHeader(normalizedName: string): boolean {
  return LIST_HEADERS.has(normalizedName);
}

const canonicalCache = new Map<string, string>();
const CANONICAL_CACHE_LIMIT = 256;

/** The spelling we serialize: "Call-ID", "CSeq", "Content-Length", "X-Foo-Bar". */
export function canonicalHeaderName(normalizedName: string): string {
  const cached = canonicalCache.get(normalizedName);
  if (cached !== undefined) return cached;
  const special = SPECIAL_CASE.get(normalizedName);
  const canonical =
    special ??
    normalizedName
      .split('-')
      .map((part) => (part.length === 0 ? part : part.charAt(0).toUpperCase() + part.slice(1)))
      .join('-');
  // Names from the wire can be anything: cache only up to a bound.
  if (canonicalCache.size < CANONICAL_CACHE_LIMIT) canonicalCache.set(normalizedName, canonical);
  return canonical;
}
