/** Shared fixtures for the jitter-buffer tests: a byte-valued test decoder and frame helpers. */
import type { AudioDecoder } from '../../../codecs/index.js';
import { JitterBuffer, type FrameKind } from '../../../media/jitter-buffer.js';

/**
 * A test decoder that turns each payload byte into one sample of that value,
 * so a frame's samples say which packet (and which part of it) was played.
 */
export const byteDecoder: AudioDecoder = {
  decode(payload, out) {
    for (let i = 0; i < payload.length; i++) out[i] = payload[i] ?? 0;
    return payload.length;
  },
};

export const SSRC = 0x11223344;
export const FRAME = 160;

export function buffer(targetDelayMs = 60): JitterBuffer {
  return new JitterBuffer({ clockRate: 8000, sampleRate: 8000, targetDelayMs, decoder: byteDecoder });
}

/** A packet of `samples` samples, every byte set to `fill`. */
export function payload(fill: number, samples = FRAME): Uint8Array {
  return new Uint8Array(samples).fill(fill);
}

export interface Pulled {
  readonly kind: FrameKind;
  readonly samples: Int16Array;
}

export function pull(jb: JitterBuffer): Pulled {
  const out = new Int16Array(FRAME);
  const kind = jb.pull(out);
  return { kind, samples: out };
}

/** The fill value of a frame when it is uniform, else 'mixed'. */
export function fillOf(frame: Pulled): number | 'mixed' {
  const first = frame.samples[0] ?? 0;
  return frame.samples.every((v) => v === first) ? first : 'mixed';
}

/**
 * Longest cross-fade when audio returns after generic concealment: a quarter
 * of the longest pitch period the concealer searches (15 ms at 8 kHz = 122
 * samples), so 30 samples.
 */
export const MAX_MERGE = 30;

/**
 * A frame of returning audio after generic concealment: its first samples are
 * cross-faded in from the concealment (`PacketLossConcealer.resume`), so they
 * run monotonically from near the last concealed sample to the packet's value,
 * and from at most MAX_MERGE samples on they are the packet's own value.
 */
export function mergesInto(frame: Pulled, lastConcealed: number, value: number): boolean {
  const s = Array.from(frame.samples);
  const settled = s.slice(MAX_MERGE).every((v) => v === value);
  const ramp = s.slice(0, MAX_MERGE + 1);
  const direction = Math.sign(value - lastConcealed);
  const monotone = ramp.every((v, i) => i === 0 || Math.sign(v - (ramp[i - 1] ?? v)) !== -direction);
  const between = ramp.every((v) => (v - lastConcealed) * direction >= 0 && (value - v) * direction >= 0);
  return settled && monotone && between && s[0] !== value;
}
