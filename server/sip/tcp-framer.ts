/**
 * Cuts SIP messages out of a byte stream by Content-Length (RFC 3261 §18.3).
 * CRLFs between messages are skipped; a double CRLF is an RFC 5626 §4.4.1
 * keep-alive "ping" the connection answers with a single CRLF "pong".
 * After any framing error the framer is dead: the connection must be closed.
 */
import { parseDigits } from './headers/chars.js';

export type FrameResult =
  | { readonly kind: 'message'; readonly data: Buffer }
  | { readonly kind: 'ping' }
  /** `head`: the header section when there was one, so a 400/513 can still be built. */
  | { readonly kind: 'error'; readonly reason: string; readonly status: number; readonly head: Buffer | null };

const END_OF_HEADERS = Buffer.from('\r\n\r\n');
const EMPTY = Buffer.alloc(0);
const CR = 0x0d;
const LF = 0x0a;

/** Content-Length from a header section: undefined when absent, null when malformed or repeated. */
export function findContentLength(head: string): number | null | undefined {
  let found: number | null | undefined;
  let cursor = head.indexOf('\r\n');
  while (cursor >= 0 && cursor < head.length) {
    const start = cursor + 2;
    const end = head.indexOf('\r\n', start);
    const line = head.slice(start, end < 0 ? head.length : end);
    cursor = end;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trimEnd().toLowerCase();
    if (name !== 'content-length' && name !== 'l') continue;
    if (found !== undefined) return null;
    found = parseDigits(line.slice(colon + 1).trim(), 10);
    if (found === null) return null;
  }
  return found;
}

export class SipStreamFramer {
  #buffer: Buffer = EMPTY;
  #failed = false;

  constructor(private readonly maxMessageBytes: number) {}

  get failed(): boolean {
    return this.#failed;
  }

  /** Bytes received but not yet framed. */
  get buffered(): number {
    return this.#buffer.length;
  }

  push(chunk: Buffer): void {
    if (this.#failed) return;
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
  }

  /** The next complete message, a ping, an error, or null when more bytes are needed. */
  next(): FrameResult | null {
    if (this.#failed) return null;
    const skipped = this.#skipLineEnds();
    if (skipped >= 4) return { kind: 'ping' };
    const buffer = this.#buffer;
    if (buffer.length === 0) return null;

    const headerEnd = buffer.indexOf(END_OF_HEADERS);
    if (headerEnd < 0) {
      return buffer.length > this.maxMessageBytes ? this.#fail('header section too large', 513, null) : null;
    }
    if (headerEnd > this.maxMessageBytes) return this.#fail('header section too large', 513, null);
    const head = buffer.subarray(0, headerEnd + 4);
    const contentLength = findContentLength(buffer.toString('latin1', 0, headerEnd));
    if (contentLength === null) return this.#fail('malformed Content-Length on a stream', 400, head);
    // A stream message without Content-Length is taken as having no body.
    const total = headerEnd + 4 + (contentLength ?? 0);
    if (total > this.maxMessageBytes) return this.#fail(`message larger than ${this.maxMessageBytes} bytes`, 513, head);
    if (buffer.length < total) return null;
    this.#buffer = buffer.length === total ? EMPTY : buffer.subarray(total);
    return { kind: 'message', data: buffer.subarray(0, total) };
  }

  #skipLineEnds(): number {
    let i = 0;
    const buffer = this.#buffer;
    while (i < buffer.length && (buffer[i] === CR || buffer[i] === LF)) i++;
    if (i > 0) this.#buffer = i === buffer.length ? EMPTY : buffer.subarray(i);
    return i;
  }

  #fail(reason: string, status: number, head: Buffer | null): FrameResult {
    this.#failed = true;
    this.#buffer = EMPTY;
    return { kind: 'error', reason, status, head };
  }
}
