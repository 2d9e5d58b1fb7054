/**
 * RFC 3261 §8.2.3: a body we cannot process gets 415 with Accept /
 * Accept-Encoding saying what we take. We take SDP, unencoded.
 */
import { ACCEPT, ACCEPT_ENCODING } from '../capabilities.js';
import { headerValue, type HeaderField, type SipRequest } from '../message.js';

/** The 415's extra header fields when the body is unacceptable, else null. */
export function unsupportedBody(request: SipRequest): HeaderField[] | null {
  if (request.body.length === 0) return null;
  const encoding = headerValue(request.headers, 'content-encoding');
  if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity' && encoding.trim() !== '') {
    return [{ name: 'accept-encoding', value: ACCEPT_ENCODING }];
  }
  const contentType = headerValue(request.headers, 'content-type') ?? '';
  const semicolon = contentType.indexOf(';');
  const mediaType = (semicolon < 0 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
  return mediaType === ACCEPT ? null : [{ name: 'accept', value: ACCEPT }];
}
