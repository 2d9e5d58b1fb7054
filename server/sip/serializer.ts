/**
 * Writes SIP messages. Header names come out in their canonical spelling, the
 * body is copied once into the output buffer, and Content-Length is always
 * computed here (any Content-Length field passed in is ignored).
 */
import { canonicalHeaderName } from './headers/names.js';
import type { HeaderField, SipMessage } from './message.js';
import { reasonPhrase } from './status-codes.js';

function serialize(startLine: string, headers: readonly HeaderField[], body: Buffer | string | null): Buffer {
  const bodyBytes = body === null ? 0 : typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  let head = `${startLine}\r\n`;
  for (const field of headers) {
    if (field.name === 'content-length') continue;
    head += `${canonicalHeaderName(field.name)}: ${field.value}\r\n`;
  }
  head += `Content-Length: ${bodyBytes}\r\n\r\n`;
  const headBytes = Buffer.byteLength(head);
  const out = Buffer.allocUnsafe(headBytes + bodyBytes);
  out.write(head, 0, 'utf8');
  if (typeof body === 'string') out.write(body, headBytes, 'utf8');
  else if (body !== null) body.copy(out, headBytes);
  return out;
}

export function serializeRequest(method: string, requestUri: string, headers: readonly HeaderField[], body: Buffer | string | null = null): Buffer {
  return serialize(`${method} ${requestUri} SIP/2.0`, headers, body);
}

export function serializeResponse(status: number, reason: string | null, headers: readonly HeaderField[], body: Buffer | string | null = null): Buffer {
  return serialize(`SIP/2.0 ${status} ${sanitizeReason(reason ?? reasonPhrase(status))}`, headers, body);
}

export function serializeMessage(message: SipMessage): Buffer {
  return message.kind === 'request'
    ? serializeRequest(message.method, message.requestUri, message.headers, message.body)
    : serializeResponse(message.status, message.reason, message.headers, message.body);
}

/** A reason phrase must not break the status line. */
function sanitizeReason(reason: string): string {
  return /[\r\n]/.test(reason) ? reason.replace(/[\r\n]+/g, ' ') : reason;
}
