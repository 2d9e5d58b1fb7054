/**
 * xorshift32: a tiny deterministic generator for everything that must repeat
 * from a seed (anonymize parameters per call, test fuzzers, bench jitter).
 * Not for anything secret.
 */

/** uint32s from `seed` (0 is replaced: xorshift would stay at 0). */
export function xorshift32(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

/** Uniform numbers in [0, 1) from `seed`. */
export function uniform01(seed: number): () => number {
  const next = xorshift32(seed);
  return () => next() / 4294967296;
}
