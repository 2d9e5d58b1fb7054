/** Character classes of RFC 3261 §25.1, as lookup tables (no regex on the hot path). */

const TOKEN_TABLE = new Uint8Array(128);
for (const ch of 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!%*_+`\'~') {
  TOKEN_TABLE[ch.charCodeAt(0)] = 1;
}

/** Host names, IPv4 and bracketed IPv6 literals. */
const HOST_TABLE = new Uint8Array(128);
for (const ch of 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.:[]_') {
  HOST_TABLE[ch.charCodeAt(0)] = 1;
}

export const SPACE = 0x20;
export const TAB = 0x09;

export function isTokenChar(code: number): boolean {
  return code < 128 && TOKEN_TABLE[code] === 1;
}

export function isToken(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    if (!isTokenChar(text.charCodeAt(i))) return false;
  }
  return true;
}

export function isHostChar(code: number): boolean {
  return code < 128 && HOST_TABLE[code] === 1;
}

export function isWhitespace(code: number): boolean {
  return code === SPACE || code === TAB;
}

/** Index of the first non-blank character at or after `index`. */
export function skipWhitespace(text: string, index: number): number {
  let i = index;
  while (i < text.length && isWhitespace(text.charCodeAt(i))) i++;
  return i;
}

/** True when `text` has a space, tab, CR, LF or other control character. */
export function hasControlOrSpace(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code <= SPACE || code === 0x7f) return true;
  }
  return false;
}

/** All ASCII digits, at most `maxDigits` of them (so the number fits comfortably). */
export function parseDigits(text: string, maxDigits: number): number | null {
  if (text.length === 0 || text.length > maxDigits) return null;
  let value = 0;
  for (let i = 0; i < text.length; i++) {
    const digit = text.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) return null;
    value = value * 10 + digit;
  }
  return value;
}

/**
 * Reads a quoted-string starting at `start` (which must be `"`); returns the
 * index just after the closing quote, or -1 when it is unterminated.
 */
export function endOfQuoted(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x5c) i++; // quoted-pair: skip the escaped character
    else if (code === 0x22) return i + 1;
  }
  return -1;
}
