/**
 * Random tokens for branches, tags and Call-IDs, drawn from a pooled random
 * buffer (one crypto call per few hundred tokens, not one per token).
 */
import { randomFillSync } from 'node:crypto';
import { BRANCH_MAGIC_COOKIE } from './headers/via.js';

const ALPHABET = '0123456789abcdefghijklmnopqrstuv'; // 32 symbols: a byte & 31 picks one without bias
const pool = Buffer.allocUnsafe(4096);
let offset = pool.length;

export function randomToken(length: number): string {
  if (offset + length > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET.charAt((pool[offset++] ?? 0) & 31);
  return out;
}

/** RFC 3261 §8.1.1.7 branch: the magic cookie plus 80 random bits. */
export function newBranch(): string {
  return `${BRANCH_MAGIC_COOKIE}${randomToken(16)}`;
}

/** RFC 3261 §19.3 tag: at least 32 random bits (we use 60). */
export function newTag(): string {
  return randomToken(12);
}

/** A first local CSeq for a dialog: random, well below 2^31 so it can grow (RFC 3261 §12.1.1). */
export function initialCSeq(): number {
  return (Number.parseInt(randomToken(4), 32) % 10000) + 1;
}
