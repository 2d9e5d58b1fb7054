/**
 * ITU-T G.711 µ-law (PCMU) and A-law (PCMA), table driven.
 *
 * The tables are built once at load with the algorithm of the ITU-T G.191
 * reference implementation (STL `g711.c`): a 16-bit sample is cut down to
 * G.711's 14-bit (µ-law) or 13-bit (A-law) uniform code by sign-magnitude
 * truncation, negative samples taking their one's complement (~x) as
 * magnitude. That keeps the quantiser symmetric about -0.5, as spandsp does.
 * (The old 16-bit Sun `g711.c` µ-law encoder uses -x instead and differs by one
 * step for a few negative inputs, e.g. -4; its A-law encoder agrees with us.)
 *
 * Encoding is then one lookup per sample: index = sample + 32768.
 */

const ENCODE_SIZE = 65536;
const ENCODE_OFFSET = 32768;

function ulawCompress(x: number): number {
  // 14-bit magnitude plus the bias of 33 (132 at 16-bit scale), clipped.
  let absno = (x < 0 ? ~x >> 2 : x >> 2) + 33;
  if (absno > 0x1fff) absno = 0x1fff;
  // Segment number: 1 for absno < 64, +1 for each further doubling.
  let segno = 1;
  for (let i = absno >> 6; i !== 0; i >>= 1) segno++;
  const high = 8 - segno;
  const low = 0x0f - ((absno >> segno) & 0x0f);
  const code = (high << 4) | low;
  return x >= 0 ? code | 0x80 : code;
}

function ulawExpand(code: number): number {
  const sign = code < 0x80 ? -1 : 1;
  const inverted = ~code;
  const exponent = (inverted >> 4) & 0x07;
  const mantissa = inverted & 0x0f;
  const step = 4 << (exponent + 1);
  return sign * ((0x80 << exponent) + step * mantissa + step / 2 - 4 * 33);
}

function alawCompress(x: number): number {
  // 12-bit magnitude (the 13-bit code without its sign).
  let ix = x < 0 ? ~x >> 4 : x >> 4;
  if (ix > 15) {
    let exponent = 1;
    while (ix > 16 + 15) {
      ix >>= 1;
      exponent++;
    }
    ix = ix - 16 + (exponent << 4);
  }
  if (x >= 0) ix |= 0x80;
  // Even bits are inverted on the wire (G.711 §2, "alternate digit inversion").
  return ix ^ 0x55;
}

function alawExpand(code: number): number {
  const ix = (code ^ 0x55) & 0x7f;
  const exponent = ix >> 4;
  let mantissa = ix & 0x0f;
  if (exponent > 0) mantissa += 16;
  mantissa = (mantissa << 4) + 0x08;
  if (exponent > 1) mantissa <<= exponent - 1;
  return code > 0x7f ? mantissa : -mantissa;
}

function buildEncodeTable(compress: (x: number) => number): Uint8Array {
  const table = new Uint8Array(ENCODE_SIZE);
  for (let i = 0; i < ENCODE_SIZE; i++) table[i] = compress(i - ENCODE_OFFSET);
  return table;
}

function buildDecodeTable(expand: (code: number) => number): Int16Array {
  const table = new Int16Array(256);
  for (let code = 0; code < 256; code++) table[code] = expand(code);
  return table;
}

/** µ-law code for each 16-bit sample, index = sample + 32768. */
export const ULAW_ENCODE: Uint8Array = buildEncodeTable(ulawCompress);
/** Linear 16-bit value of each µ-law code. */
export const ULAW_DECODE: Int16Array = buildDecodeTable(ulawExpand);
/** A-law code for each 16-bit sample, index = sample + 32768. */
export const ALAW_ENCODE: Uint8Array = buildEncodeTable(alawCompress);
/** Linear 16-bit value of each A-law code. */
export const ALAW_DECODE: Int16Array = buildDecodeTable(alawExpand);

/**
 * Encodes `pcm` into `out` through `table`; returns bytes written (the shorter
 * of the two lengths, so a short `out` truncates instead of throwing).
 */
export function encodeWithTable(table: Uint8Array, pcm: Int16Array, out: Uint8Array): number {
  const n = pcm.length < out.length ? pcm.length : out.length;
  // Indices are in range by construction (i < n, Int16 + 32768 < 65536): the casts only satisfy noUncheckedIndexedAccess.
  for (let i = 0; i < n; i++) out[i] = table[(pcm[i] as number) + ENCODE_OFFSET] as number;
  return n;
}

/** Decodes `payload` into `out` through `table`; returns samples written. */
export function decodeWithTable(table: Int16Array, payload: Uint8Array, out: Int16Array): number {
  const n = payload.length < out.length ? payload.length : out.length;
  // In range by construction (i < n, a byte < 256).
  for (let i = 0; i < n; i++) out[i] = table[payload[i] as number] as number;
  return n;
}
