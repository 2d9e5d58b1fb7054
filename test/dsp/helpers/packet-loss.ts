/**
 * Packet-loss scenarios for the concealment tests: a seeded random loss
 * pattern over 20 ms frames, three ways of filling the holes (zero fill,
 * repeating the last good frame, a concealer), and segmental SNR against the
 * original signal.
 */
import { prng } from './speech-in-noise.js';

/** Segmental SNR per-segment limits (the usual clamp, Hansen & Pellom 1998). */
export const SEGMENT_SNR_MIN_DB = -10;
export const SEGMENT_SNR_MAX_DB = 35;
/** Segments quieter than this (dBFS, AES17) carry no speech and are left out. */
export const SILENT_SEGMENT_DBFS = -50;

/** Which frames are lost: independent losses with probability `rate`, seeded. */
export function lossPattern(frames: number, rate: number, seed: number): boolean[] {
  const random = prng(seed);
  return Array.from({ length: frames }, () => random() < rate);
}

/** A concealer as the media path drives it (`resume` may merge the returning audio in place). */
export interface Concealer {
  resume(pcm: Int16Array, offset: number, length: number): void;
  conceal(out: Int16Array, offset: number, count: number): void;
}

/** The signal as played with `lost` frames concealed by `concealer` (good frames go through `resume`, which may merge). */
export function playWithConcealer(clean: Int16Array, frame: number, lost: readonly boolean[], concealer: Concealer): Int16Array {
  const out = new Int16Array(clean.length);
  lost.forEach((isLost, f) => {
    const at = f * frame;
    if (at + frame > clean.length) return;
    if (isLost) {
      concealer.conceal(out, at, frame);
    } else {
      out.set(clean.subarray(at, at + frame), at);
      concealer.resume(out, at, frame);
    }
  });
  return out;
}

/** Lost frames left silent. */
export function playZeroFill(clean: Int16Array, frame: number, lost: readonly boolean[]): Int16Array {
  const out = Int16Array.from(clean);
  lost.forEach((isLost, f) => {
    if (isLost) out.fill(0, f * frame, Math.min(clean.length, (f + 1) * frame));
  });
  return out;
}

/** Lost frames replaced by the last frame that arrived. */
export function playRepeatLast(clean: Int16Array, frame: number, lost: readonly boolean[]): Int16Array {
  const out = Int16Array.from(clean);
  let last = -1;
  lost.forEach((isLost, f) => {
    const at = f * frame;
    if (at + frame > clean.length) return;
    if (!isLost) last = at;
    else if (last >= 0) out.set(clean.subarray(last, last + frame), at);
    else out.fill(0, at, at + frame);
  });
  return out;
}

/**
 * Mean segmental SNR (dB) of `test` against `reference` over the segments
 * `[start, start + length)` listed, each clamped to [−10, 35] dB; silent
 * segments are skipped. Returns the mean and how many segments counted.
 */
export function segmentalSnr(reference: Int16Array, test: Int16Array, segments: readonly number[], length: number): { readonly db: number; readonly segments: number } {
  const silent = (32768 ** 2 / 2) * 10 ** (SILENT_SEGMENT_DBFS / 10) * length;
  let sum = 0;
  let counted = 0;
  for (const start of segments) {
    let signal = 0;
    let noise = 0;
    for (let i = start; i < start + length; i++) {
      const s = reference[i] ?? 0;
      signal += s * s;
      noise += (s - (test[i] ?? 0)) ** 2;
    }
    if (signal < silent) continue;
    const snr = noise === 0 ? SEGMENT_SNR_MAX_DB : 10 * Math.log10(signal / noise);
    sum += Math.min(SEGMENT_SNR_MAX_DB, Math.max(SEGMENT_SNR_MIN_DB, snr));
    counted++;
  }
  return { db: counted > 0 ? sum / counted : 0, segments: counted };
}

/** Start samples of the `segment`-long pieces of the lost frames (and, with `andNext`, of the frame after each loss). */
export function lossSegments(lost: readonly boolean[], frame: number, segment: number, andNext = false): number[] {
  const starts: number[] = [];
  lost.forEach((isLost, f) => {
    const include = isLost || (andNext && f > 0 && lost[f - 1] === true);
    if (!include) return;
    for (let s = 0; s + segment <= frame; s += segment) starts.push(f * frame + s);
  });
  return starts;
}
