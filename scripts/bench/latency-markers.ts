/**
 * Marker frames for the latency bench and their detector on the way back. A
 * marker is a 20 ms cosine burst (its first sample is a peak, so its onset is
 * exact to the sample) in an otherwise silent stream; four frequencies in
 * turn tell neighbouring markers apart. The detector decodes the echoed
 * packets in arrival order and reports each burst's onset as
 * (packet arrival + sample offset / rate) with the frequency it carries.
 */
import { uniform01 } from '../../dsp/prng.js';
import type { AudioDecoder } from '../../codecs/codec.js';

export const MARKER_FREQUENCIES: readonly number[] = [1000, 1500, 2000, 2500];
const SAMPLE_RATE = 8000;
const AMPLITUDE = 0.7 * 32767;
/** A sample this loud starts a marker (the bursts peak at ~23000; silence decodes to 0). */
const ONSET_LEVEL = 4000;
/** Quiet samples needed before an onset counts (50 ms), so one burst is one marker. */
const QUIET_BEFORE = 400;
/** Samples of a burst used to tell its frequency (10 ms). */
const CLASSIFY_SAMPLES = 80;

export function markerFrame(hz: number, samples: number): Int16Array {
  const out = new Int16Array(samples);
  for (let i = 0; i < samples; i++) out[i] = Math.round(AMPLITUDE * Math.cos((2 * Math.PI * hz * i) / SAMPLE_RATE));
  return out;
}

export interface FoundMarker {
  /** When the burst's first sample came back (ms, performance.now()). */
  readonly atMs: number;
  /** Index into MARKER_FREQUENCIES. */
  readonly frequencyIndex: number;
}

export class MarkerDetector {
  readonly found: FoundMarker[] = [];
  readonly #decoder: AudioDecoder;
  readonly #pcm: Int16Array;
  readonly #burst = new Int16Array(CLASSIFY_SAMPLES);
  #quiet = 0;
  /** Samples of the current burst collected, -1 when not in a burst. */
  #collected = -1;
  #onsetMs = 0;

  constructor(decoder: AudioDecoder, samplesPerPacket: number) {
    this.#decoder = decoder;
    this.#pcm = new Int16Array(samplesPerPacket * 4);
  }

  push(payload: Uint8Array, arrivalMs: number): void {
    const n = this.#decoder.decode(payload, this.#pcm);
    for (let i = 0; i < n; i++) {
      const x = this.#pcm[i] ?? 0;
      if (this.#collected >= 0) {
        this.#burst[this.#collected++] = x;
        if (this.#collected === CLASSIFY_SAMPLES) {
          this.found.push({ atMs: this.#onsetMs, frequencyIndex: classify(this.#burst) });
          this.#collected = -1;
        }
      } else if (Math.abs(x) >= ONSET_LEVEL && this.#quiet >= QUIET_BEFORE) {
        this.#onsetMs = arrivalMs + (i * 1000) / SAMPLE_RATE;
        this.#burst[0] = x;
        this.#collected = 1;
      }
      this.#quiet = Math.abs(x) >= ONSET_LEVEL ? 0 : this.#quiet + 1;
    }
  }
}

/** The marker frequency with the most power in `pcm` (Goertzel). */
function classify(pcm: Int16Array): number {
  let best = 0;
  let bestPower = -1;
  MARKER_FREQUENCIES.forEach((hz, index) => {
    const coeff = 2 * Math.cos((2 * Math.PI * hz) / SAMPLE_RATE);
    let s1 = 0;
    let s2 = 0;
    for (let i = 0; i < pcm.length; i++) {
      const s0 = (pcm[i] ?? 0) + coeff * s1 - s2;
      s2 = s1;
      s1 = s0;
    }
    const power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
    if (power > bestPower) {
      bestPower = power;
      best = index;
    }
  });
  return best;
}

export interface Percentiles {
  readonly count: number;
  readonly min: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

/** Nearest-rank percentiles to 0.1 ms; null for no values. */
export function percentiles(values: readonly number[]): Percentiles | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number): number => {
    const v = sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
    return Math.round(v * 10) / 10;
  };
  return { count: sorted.length, min: at(0), p50: at(50), p95: at(95), p99: at(99), max: at(100) };
}

/** Uniform numbers in [0, 1) from a seed: the jitter pattern is the same on every run of a seed. */
export const prng = uniform01;
