/**
 * Checks a new request goes through before its method handler, in the order
 * of RFC 3261 §8.2 (hop count first, then method, URI scheme, extensions).
 * Each check returns the refusal to send, or null to go on.
 */
import { ALLOW_FIELD, SUPPORTED_OPTION_TAGS } from './capabilities.js';
import { isServedMethod } from './handlers/index.js';
import { optionTags, type HeaderField, type SipRequest } from './message.js';

export interface Refusal {
  readonly status: number;
  readonly headers?: readonly HeaderField[];
}

/** 'handler': skip the remaining checks and let the method handler answer. */
type Check = (request: SipRequest) => Refusal | 'handler' | null;

const CHECKS: readonly Check[] = [
  // Max-Forwards 0: 483 (OPTIONS excepted: RFC 3261 §11 lets a UAS answer it, which is how
  // "traceroute"-style probes and some keep-alives work).
  (request) => (request.maxForwards === 0 && request.method !== 'OPTIONS' ? { status: 483 } : null),
  // §8.2.1: a method we do not serve is answered 405/501 by its handler, before anything else.
  (request) => (isServedMethod(request.method) ? null : 'handler'),
  // §8.2.2.1: "If the Request-URI uses a scheme not supported by the UAS, it SHOULD reject the request with a 416".
  (request) => (request.uri === null ? { status: 416 } : null),
  // §8.2.2.3: Require with an extension we do not support gets 420 with Unsupported (never for ACK/CANCEL).
  (request) => {
    if (request.method === 'CANCEL') return null;
    const unsupported = optionTags(request.headers, 'require').filter((tag) => !SUPPORTED_OPTION_TAGS.has(tag));
    return unsupported.length === 0 ? null : { status: 420, headers: [{ name: 'unsupported', value: unsupported.join(', ') }, ALLOW_FIELD] };
  },
];

/** The refusal for `request`, or null when its method handler should run. */
export function refusalFor(request: SipRequest): Refusal | null {
  for (const check of CHECKS) {
    const verdict = check(request);
    if (verdict === 'handler') return null;
    if (verdict !== null) return verdict;
  }
  return null;
}
