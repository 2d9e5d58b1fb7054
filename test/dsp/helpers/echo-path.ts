/**
 * Simulated acoustic echo paths for the echo-canceller tests: a bulk delay,
 * a room impulse response (seeded noise under an exponential decay with a
 * given RT60, direct path first), echo return loss, and a loudspeaker that
 * soft-clips (a mild memoryless non-linearity).
 */
import { prng } from './speech-in-noise.js';

export interface EchoPathOptions {
  readonly sampleRate: number;
  /** Bulk delay before the direct path, ms. */
  readonly delayMs: number;
  /** Time for the response to decay by 60 dB, ms. */
  readonly rt60Ms: number;
  /** Length of the response after the delay, ms. */
  readonly lengthMs: number;
  /** Echo return loss: energy gain of the response in dB (negative). */
  readonly gainDb: number;
  readonly seed: number;
}

/** Taps after the bulk delay, and the delay in samples. */
export interface RoomResponse {
  readonly delay: number;
  readonly taps: Float64Array;
}

export function roomResponse(options: EchoPathOptions): RoomResponse {
  const random = prng(options.seed);
  const length = Math.round((options.lengthMs * options.sampleRate) / 1000);
  const taps = new Float64Array(length);
  // Energy falls 60 dB over rt60: amplitude envelope exp(-6.91·t / rt60).
  const decayPerSample = 6.907755 / ((options.rt60Ms * options.sampleRate) / 1000);
  let energy = 0;
  for (let i = 0; i < length; i++) {
    const gaussian = Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
    taps[i] = gaussian * Math.exp(-decayPerSample * i);
    energy += (taps[i] ?? 0) ** 2;
  }
  // A strong direct path first, then the reverberation.
  taps[0] = 2 * Math.sqrt(energy / Math.max(1, length / 8));
  energy += (taps[0] ?? 0) ** 2;
  const scale = Math.sqrt(10 ** (options.gainDb / 10) / energy);
  for (let i = 0; i < length; i++) taps[i] = (taps[i] ?? 0) * scale;
  return { delay: Math.round((options.delayMs * options.sampleRate) / 1000), taps };
}

/** Loudspeaker soft clipping: linear for small signals, tanh-compressed towards `limit`. */
export function softClip(sample: number, limit: number): number {
  return limit * Math.tanh(sample / limit);
}

/**
 * Echo of `far` through `paths[i]` from `switchAt[i]` on (sample indices,
 * the first 0): the microphone picks up the loudspeaker (soft-clipped at
 * `clipLimit`) through the room. Returns floats (16-bit scale).
 */
export function simulateEcho(far: Int16Array, paths: readonly RoomResponse[], switchAt: readonly number[], clipLimit: number): Float64Array {
  const speaker = new Float64Array(far.length);
  for (let i = 0; i < far.length; i++) speaker[i] = softClip(far[i] ?? 0, clipLimit);
  const echo = new Float64Array(far.length);
  for (let p = 0; p < paths.length; p++) {
    const path = paths[p];
    if (!path) continue;
    const from = switchAt[p] ?? 0;
    const to = switchAt[p + 1] ?? far.length;
    const taps = path.taps;
    for (let n = from; n < to; n++) {
      let sum = 0;
      const base = n - path.delay;
      const last = Math.min(taps.length, base + 1);
      for (let k = 0; k < last; k++) sum += (taps[k] ?? 0) * (speaker[base - k] ?? 0);
      echo[n] = sum;
    }
  }
  return echo;
}

/** White noise at `dbfs` (AES17: a full-scale sine is 0 dBFS), seeded. */
export function whiteNoise(length: number, dbfs: number, seed: number): Float64Array {
  const random = prng(seed);
  const rms = 32768 * 10 ** (dbfs / 20) / Math.SQRT2;
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) out[i] = rms * Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
  return out;
}

/** Sum of float signals, rounded and clamped to 16 bits. */
export function mixTo16(length: number, ...signals: readonly ArrayLike<number>[]): Int16Array {
  const out = new Int16Array(length);
  for (let i = 0; i < length; i++) {
    let sum = 0;
    for (const s of signals) sum += s[i] ?? 0;
    out[i] = Math.max(-32768, Math.min(32767, Math.round(sum)));
  }
  return out;
}

/** Echo return loss enhancement over [from, to): echo power against output power (output read `latency` samples later). */
export function erleDb(echo: ArrayLike<number>, out: ArrayLike<number>, from: number, to: number, latency: number): number {
  let e = 0;
  let o = 0;
  for (let i = from; i < to; i++) {
    e += (echo[i] ?? 0) ** 2;
    o += (out[i + latency] ?? 0) ** 2;
  }
  return 10 * Math.log10(e / Math.max(o, 1e-9));
}

/**
 * Level change of the near-end speech through the canceller during double
 * talk: over the frames (`frame` samples) of [from, to) where both the echo
 * and the near-end speech are within 25 dB of their loudest frame, the
 * least-squares gain of the output onto the near-end speech, in dB (0: no
 * loss). Residual echo is uncorrelated with the speech and does not count.
 */
export function nearEndChangeDb(
  echo: ArrayLike<number>,
  near: ArrayLike<number>,
  out: ArrayLike<number>,
  range: { readonly from: number; readonly to: number; readonly frame: number; readonly latency: number },
): { readonly db: number; readonly frames: number } {
  const { from, to, frame, latency } = range;
  const energy = (signal: ArrayLike<number>, start: number): number => {
    let sum = 0;
    for (let i = start; i < start + frame; i++) sum += (signal[i] ?? 0) ** 2;
    return sum;
  };
  const starts: number[] = [];
  for (let s = from; s + frame <= to; s += frame) starts.push(s);
  const echoEnergy = starts.map((s) => energy(echo, s));
  const nearEnergy = starts.map((s) => energy(near, s));
  const active = 10 ** (-25 / 10);
  const echoMax = Math.max(...echoEnergy);
  const nearMax = Math.max(...nearEnergy);
  let cross = 0;
  let power = 0;
  let frames = 0;
  starts.forEach((s, f) => {
    if ((echoEnergy[f] ?? 0) < active * echoMax || (nearEnergy[f] ?? 0) < active * nearMax) return;
    frames++;
    for (let i = s; i < s + frame; i++) {
      cross += (out[i + latency] ?? 0) * (near[i] ?? 0);
      power += (near[i] ?? 0) ** 2;
    }
  });
  return { db: 20 * Math.log10(Math.max(cross, 1e-9) / Math.max(power, 1e-9)), frames };
}

/** 2:1 decimation with a 63-tap Hann-windowed sinc low-pass (cut-off at half the new Nyquist band edge). */
export function decimateBy2(input: Int16Array): Int16Array {
  const half = 31;
  const taps = new Float64Array(2 * half + 1);
  let sum = 0;
  for (let i = -half; i <= half; i++) {
    const sinc = i === 0 ? 0.5 : Math.sin(0.5 * Math.PI * i) / (Math.PI * i);
    taps[i + half] = sinc * (0.5 + 0.5 * Math.cos((Math.PI * i) / (half + 1)));
    sum += taps[i + half] ?? 0;
  }
  const out = new Int16Array(input.length >> 1);
  for (let n = 0; n < out.length; n++) {
    let acc = 0;
    for (let i = -half; i <= half; i++) acc += (taps[i + half] ?? 0) * (input[2 * n + i] ?? 0);
    out[n] = Math.max(-32768, Math.min(32767, Math.round(acc / sum)));
  }
  return out;
}
