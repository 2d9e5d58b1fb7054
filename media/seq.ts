/**
 * All RTP sequence-number and timestamp wraparound arithmetic lives here.
 * Sequence numbers are uint16, timestamps uint32; "extended" values are plain
 * JS integers (exact up to 2^53) that keep counting across wraps, so the rest
 * of the media path can compare with `<` and subtract without thinking.
 * No BigInt: this runs per packet.
 */

export const SEQ_MOD = 0x1_0000;
export const TS_MOD = 0x1_0000_0000;

/** Signed distance `a - b` between two uint16 sequence numbers, in [-32768, 32767]. */
export function seqDiff(a: number, b: number): number {
  return (((a - b) & 0xffff) << 16) >> 16;
}

/** True when `a` comes before `b` (RFC 1982 serial number arithmetic). */
export function seqLess(a: number, b: number): boolean {
  return seqDiff(a, b) < 0;
}

/** `seq + n` wrapped to uint16. */
export function seqAdd(seq: number, n: number): number {
  return (seq + n) & 0xffff;
}

/** Signed distance `a - b` between two uint32 timestamps, in [-2^31, 2^31). */
export function tsDiff(a: number, b: number): number {
  return (a - b) | 0;
}

/** True when timestamp `a` comes before `b`. */
export function tsLess(a: number, b: number): boolean {
  return tsDiff(a, b) < 0;
}

/** `ts + n` wrapped to uint32. */
export function tsAdd(ts: number, n: number): number {
  return (ts + n) >>> 0;
}

/**
 * The extended sequence number of `seq` closest to the extended reference
 * `ref` (normally the highest one seen so far). `ref >>> 0 & 0xffff` works for
 * any non-negative integer below 2^53 because ToUint32 is taken modulo 2^32.
 */
export function extendSeq(ref: number, seq: number): number {
  return ref + seqDiff(seq, ref & 0xffff);
}

/** The extended timestamp of `ts` closest to the extended reference `ref`. */
export function extendTs(ref: number, ts: number): number {
  return ref + tsDiff(ts, ref >>> 0);
}

/** Wraps an extended sequence number back to its uint16 wire value. */
export function wireSeq(extended: number): number {
  return extended & 0xffff;
}

/** Wraps an extended timestamp back to its uint32 wire value. */
export function wireTs(extended: number): number {
  return extended >>> 0;
}
