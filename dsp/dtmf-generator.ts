/**
 * DTMF generator: queued digits become tone pairs (ITU-T Q.23 frequencies)
 * with pauses between them, phase-continuous across frames, with short
 * raised-cosine edges so the bursts do not splatter into neighbouring bands.
 *
 * Defaults: each digit 100 ms, 100 ms pause; low group −10 dBFS and high
 * group −8 dBFS per tone (2 dB "pre-twist", as telephone sets send, about
 * −7/−5 dBm0 in G.711). A pure processor: `fill()` allocates nothing.
 */
import { DTMF_COLUMN_HZ, DTMF_PAIRS, DTMF_ROW_HZ, isDtmfDigit, type DtmfDigit } from './dtmf-tables.js';

export const DEFAULT_DTMF_TONE_MS = 100;
export const DEFAULT_DTMF_PAUSE_MS = 100;
export const DEFAULT_DTMF_LOW_DBFS = -10;
export const DEFAULT_DTMF_HIGH_DBFS = -8;
/** Rise and fall time of each burst. */
const EDGE_MS = 2;
/** Digits waiting at most (further ones are refused and counted). */
const QUEUE_LIMIT = 64;
const FULL_SCALE = 32768;

export interface DtmfGeneratorOptions {
  readonly sampleRate: number;
  readonly toneMs?: number;
  readonly pauseMs?: number;
  /** Level of the low-group (row) tone, dBFS (AES17). */
  readonly lowDbfs?: number;
  /** Level of the high-group (column) tone, dBFS. */
  readonly highDbfs?: number;
}

export class DtmfGenerator {
  readonly sampleRate: number;
  /** Digits refused: not a DTMF key, or the queue was full. */
  refused = 0;
  readonly #toneSamples: number;
  readonly #pauseSamples: number;
  readonly #edgeSamples: number;
  readonly #lowAmplitude: number;
  readonly #highAmplitude: number;
  readonly #queue: DtmfDigit[] = [];
  #current: DtmfDigit | null = null;
  /** Position within the current digit's tone + pause. */
  #at = 0;
  #lowStep = 0;
  #highStep = 0;

  constructor(options: DtmfGeneratorOptions) {
    const rate = options.sampleRate;
    this.sampleRate = rate;
    this.#toneSamples = Math.round((rate * (options.toneMs ?? DEFAULT_DTMF_TONE_MS)) / 1000);
    this.#pauseSamples = Math.round((rate * (options.pauseMs ?? DEFAULT_DTMF_PAUSE_MS)) / 1000);
    this.#edgeSamples = Math.min(Math.floor(this.#toneSamples / 2), Math.round((rate * EDGE_MS) / 1000));
    this.#lowAmplitude = FULL_SCALE * 10 ** ((options.lowDbfs ?? DEFAULT_DTMF_LOW_DBFS) / 20);
    this.#highAmplitude = FULL_SCALE * 10 ** ((options.highDbfs ?? DEFAULT_DTMF_HIGH_DBFS) / 20);
  }

  /** Queues the DTMF keys of `digits` (0-9 * # A-D); returns how many were queued. */
  queue(digits: string): number {
    let queued = 0;
    for (const digit of digits.toUpperCase()) {
      if (!isDtmfDigit(digit) || this.#queue.length >= QUEUE_LIMIT) {
        this.refused++;
        continue;
      }
      this.#queue.push(digit);
      queued++;
    }
    return queued;
  }

  /** True while digits are playing or queued. */
  get active(): boolean {
    return this.#current !== null || this.#queue.length > 0;
  }

  /** Writes `count` samples at `out[offset]`: tones, pauses, then silence when idle. */
  fill(out: Int16Array, offset = 0, count = out.length - offset): void {
    const period = this.#toneSamples + this.#pauseSamples;
    for (let i = 0; i < count; i++) {
      if (this.#current === null && !this.#next()) {
        out.fill(0, offset + i, offset + count);
        return;
      }
      const n = this.#at;
      let sample = 0;
      if (n < this.#toneSamples) {
        const edge = Math.min(n, this.#toneSamples - 1 - n);
        const envelope = edge >= this.#edgeSamples ? 1 : 0.5 - 0.5 * Math.cos((Math.PI * (edge + 0.5)) / this.#edgeSamples);
        sample = envelope * (this.#lowAmplitude * Math.sin(this.#lowStep * n) + this.#highAmplitude * Math.sin(this.#highStep * n));
      }
      out[offset + i] = Math.round(sample);
      if (++this.#at >= period) this.#current = null;
    }
  }

  /** Drops the queue and the digit playing. */
  reset(): void {
    this.#queue.length = 0;
    this.#current = null;
  }

  #next(): boolean {
    const digit = this.#queue.shift();
    if (digit === undefined) return false;
    const pair = DTMF_PAIRS[digit];
    this.#current = digit;
    this.#at = 0;
    this.#lowStep = (2 * Math.PI * (DTMF_ROW_HZ[pair.row] ?? 0)) / this.sampleRate;
    this.#highStep = (2 * Math.PI * (DTMF_COLUMN_HZ[pair.column] ?? 0)) / this.sampleRate;
    return true;
  }
}

/** The whole signal for `digits` (tests, prompts): each digit's tone and pause. */
export function renderDtmf(digits: string, options: DtmfGeneratorOptions): Int16Array {
  const generator = new DtmfGenerator(options);
  const count = generator.queue(digits);
  const per = Math.round((options.sampleRate * ((options.toneMs ?? DEFAULT_DTMF_TONE_MS) + (options.pauseMs ?? DEFAULT_DTMF_PAUSE_MS))) / 1000);
  const out = new Int16Array(count * per);
  generator.fill(out);
  return out;
}
