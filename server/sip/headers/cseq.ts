/** CSeq (RFC 3261 §20.16): a 32-bit sequence number below 2^31 and a method token. */
import { isToken, isWhitespace, parseDigits } from './chars.js';

export interface CSeq {
  readonly seq: number;
  readonly method: string;
}

const MAX_CSEQ = 2 ** 31 - 1;

export function parseCSeq(value: string): CSeq | null {
  let split = 0;
  while (split < value.length && !isWhitespace(value.charCodeAt(split))) split++;
  const seq = parseDigits(value.slice(0, split), 10);
  if (seq === null || seq > MAX_CSEQ) return null;
  const method = value.slice(split).trim();
  if (!isToken(method)) return null;
  return { seq, method };
}

export function formatCSeq(cseq: CSeq): string {
  return `${cseq.seq} ${cseq.method}`;
}
