/**
 * DTMF receiver after ITU-T Q.24 (and Q.23 for the keypad), by Goertzel
 * filters at the eight DTMF frequencies.
 *
 * The signal is cut into sub-blocks of 6.375 ms (51 samples at 8 kHz); each
 * gets a complex Goertzel value per frequency. Every sub-block, the last two
 * (a 12.75 ms window, whose 78 Hz resolution separates the 73 Hz-spaced rows)
 * are tested:
 * - the strongest row and column each carry at least `minLevelDbfs`;
 * - twist: the row at most 10 dB above the column ("normal"), the column at
 *   most 6 dB above the row ("reverse"): Q.24's 8 dB / 4 dB (as spandsp and
 *   Asterisk read them) plus 2 dB, because the louder tone's leakage through
 *   the short window moves the weaker one's reading by up to ±1.3 dB, and
 *   tones right at the limits must pass;
 * - every other row/column is at least 8 dB below the strongest;
 * - frequency: the phase advance of each tone between the two sub-blocks
 *   measures its frequency; it must be within 2.5% of nominal (Q.24: accept
 *   ±1.5%, reject beyond ±3.5%). The tone powers are corrected for the
 *   window's response at that offset;
 * - the two tones carry at least 70% of the window's energy: speech, music
 *   and a window only partly covered by a tone fail this.
 * Four consecutive passing windows start a digit (always for a 40 ms tone,
 * never for one shorter than 24 ms); five failing ones end it (dropouts up
 * to ~19 ms are bridged, a 40 ms pause is not).
 *
 * A pure processor: no timers; `process()` allocates only when it reports.
 */
import { DTMF_COLUMN_HZ, DTMF_KEYPAD, DTMF_ROW_HZ, type DtmfDigit } from './dtmf-tables.js';

/** Sub-block length: 51 samples at 8 kHz. */
const SUB_BLOCK_S = 0.006375;
/** Weakest tone accepted (each of the pair), dBFS (AES17; about −39 dBm0 in G.711). */
export const DEFAULT_MIN_TONE_DBFS = -36;
const NORMAL_TWIST_DB = 10;
const REVERSE_TWIST_DB = 6;
const RELATIVE_PEAK_DB = 8;
const MAX_DEVIATION = 0.025;
const MIN_TONE_FRACTION = 0.7;
const START_HITS = 4;
const END_MISSES = 5;
const FULL_SCALE = 32768;

export interface DtmfDetectorOptions {
  readonly sampleRate: number;
  readonly minLevelDbfs?: number;
}

export interface DtmfEvent {
  /** 'start' once a digit is recognised, 'end' when its tone stops. */
  readonly type: 'start' | 'end';
  readonly digit: DtmfDigit;
  /** Stream position (samples since construction or `reset`) where the tone started or ended (±1 sub-block). */
  readonly sample: number;
  /** Tone length so far in ms (at 'end': the whole tone). */
  readonly durationMs: number;
}

const NO_EVENTS: readonly DtmfEvent[] = Object.freeze([]);
const FREQUENCIES: readonly number[] = [...DTMF_ROW_HZ, ...DTMF_COLUMN_HZ];

export class DtmfDetector {
  readonly sampleRate: number;
  /** Windows that passed every test (for diagnostics). */
  hits = 0;
  readonly #subBlock: number;
  readonly #minPower: number;
  readonly #coeff: Float64Array;
  /** Rotations: e^{-jω(S−1)} for the Goertzel output, e^{-jωS} between sub-blocks. */
  readonly #outCos: Float64Array;
  readonly #outSin: Float64Array;
  readonly #stepCos: Float64Array;
  readonly #stepSin: Float64Array;
  readonly #omega: Float64Array;
  readonly #cosOmega: Float64Array;
  readonly #sinOmega: Float64Array;
  readonly #s1 = new Float64Array(8);
  readonly #s2 = new Float64Array(8);
  /** Complex Goertzel values of the previous and the current sub-block. */
  readonly #prevRe = new Float64Array(8);
  readonly #prevIm = new Float64Array(8);
  readonly #curRe = new Float64Array(8);
  readonly #curIm = new Float64Array(8);
  /** Mean-square power of each tone in the window, as measured and corrected for its frequency offset. */
  readonly #raw = new Float64Array(8);
  readonly #power = new Float64Array(8);
  readonly #deviation = new Float64Array(8);
  #fill = 0;
  #energy = 0;
  #prevEnergy = 0;
  #position = 0;
  #candidate: DtmfDigit | null = null;
  #candidateHits = 0;
  #candidateStart = 0;
  #digit: DtmfDigit | null = null;
  #digitStart = 0;
  #lastHitEnd = 0;
  #misses = 0;
  /** Events of the current `process()` call; created only when there is one. */
  #events: DtmfEvent[] | null = null;

  constructor(options: DtmfDetectorOptions) {
    const rate = options.sampleRate;
    this.sampleRate = rate;
    const s = Math.round(rate * SUB_BLOCK_S);
    this.#subBlock = s;
    this.#minPower = ((FULL_SCALE * FULL_SCALE) / 2) * 10 ** ((options.minLevelDbfs ?? DEFAULT_MIN_TONE_DBFS) / 10);
    this.#coeff = new Float64Array(8);
    this.#omega = new Float64Array(8);
    this.#cosOmega = new Float64Array(8);
    this.#sinOmega = new Float64Array(8);
    this.#outCos = new Float64Array(8);
    this.#outSin = new Float64Array(8);
    this.#stepCos = new Float64Array(8);
    this.#stepSin = new Float64Array(8);
    FREQUENCIES.forEach((hz, f) => {
      const w = (2 * Math.PI * hz) / rate;
      this.#omega[f] = w;
      this.#cosOmega[f] = Math.cos(w);
      this.#sinOmega[f] = Math.sin(w);
      this.#coeff[f] = 2 * Math.cos(w);
      this.#outCos[f] = Math.cos(w * (s - 1));
      this.#outSin[f] = Math.sin(w * (s - 1));
      this.#stepCos[f] = Math.cos(w * s);
      this.#stepSin[f] = Math.sin(w * s);
    });
  }

  /** Runs `pcm[offset..offset+length)`; returns the digit events it completed (usually none). */
  process(pcm: Int16Array, offset = 0, length = pcm.length - offset): readonly DtmfEvent[] {
    this.#events = null;
    const s1 = this.#s1;
    const s2 = this.#s2;
    const coeff = this.#coeff;
    for (let i = offset; i < offset + length; i++) {
      const x = pcm[i] as number;
      this.#energy += x * x;
      for (let f = 0; f < 8; f++) {
        const s0 = x + (coeff[f] as number) * (s1[f] as number) - (s2[f] as number);
        s2[f] = s1[f] as number;
        s1[f] = s0;
      }
      this.#position++;
      if (++this.#fill === this.#subBlock) this.#endSubBlock();
    }
    return this.#events ?? NO_EVENTS;
  }

  /** Forgets everything (a new stream); no events for a digit in progress. */
  reset(): void {
    for (const buffer of [this.#s1, this.#s2, this.#prevRe, this.#prevIm, this.#curRe, this.#curIm]) buffer.fill(0);
    this.#fill = this.#energy = this.#prevEnergy = this.#position = 0;
    this.#candidate = this.#digit = null;
    this.#candidateHits = this.#misses = 0;
  }

  #endSubBlock(): void {
    const s1 = this.#s1;
    const s2 = this.#s2;
    for (let f = 0; f < 8; f++) {
      // Goertzel: Σ x[n]·e^{-jωn} = e^{-jω(S−1)}·(s1 − e^{-jω}·s2).
      const yr = (s1[f] as number) - (this.#cosOmega[f] as number) * (s2[f] as number);
      const yi = (this.#sinOmega[f] as number) * (s2[f] as number);
      const c = this.#outCos[f] as number;
      const s = this.#outSin[f] as number;
      this.#prevRe[f] = this.#curRe[f] as number;
      this.#prevIm[f] = this.#curIm[f] as number;
      this.#curRe[f] = yr * c + yi * s;
      this.#curIm[f] = yi * c - yr * s;
      s1[f] = 0;
      s2[f] = 0;
    }
    const energy = this.#prevEnergy + this.#energy;
    this.#prevEnergy = this.#energy;
    this.#energy = 0;
    this.#fill = 0;
    this.#decide(this.#classify(energy / (2 * this.#subBlock)));
  }

  /** The digit the last two sub-blocks carry, or null. */
  #classify(meanSquare: number): DtmfDigit | null {
    const window = 2 * this.#subBlock;
    for (let f = 0; f < 8; f++) {
      const w = this.#omega[f] as number;
      const ar = this.#prevRe[f] as number;
      const ai = this.#prevIm[f] as number;
      const br = this.#curRe[f] as number;
      const bi = this.#curIm[f] as number;
      // Window value referenced to its start: A + e^{-jωS}·B.
      const xr = ar + (this.#stepCos[f] as number) * br + (this.#stepSin[f] as number) * bi;
      const xi = ai + (this.#stepCos[f] as number) * bi - (this.#stepSin[f] as number) * br;
      // Phase advance of B over A is ω_tone·S; its excess over ω·S is the frequency offset.
      const advance = Math.atan2(bi * ar - br * ai, br * ar + bi * ai);
      let excess = advance - w * this.#subBlock;
      excess -= 2 * Math.PI * Math.round(excess / (2 * Math.PI));
      const offset = excess / this.#subBlock;
      this.#deviation[f] = (offset * this.sampleRate) / (2 * Math.PI) / (FREQUENCIES[f] as number);
      // Rectangular window response at that offset, to undo its loss.
      const response = Math.abs(offset) < 1e-9 ? 1 : Math.abs(Math.sin((offset * window) / 2) / (window * Math.sin(offset / 2)));
      this.#raw[f] = (2 * (xr * xr + xi * xi)) / (window * window);
      this.#power[f] = (this.#raw[f] as number) / Math.max(response * response, 0.25);
    }
    const raw = this.#raw;
    const row = strongest(raw, 0);
    const column = strongest(raw, 4);
    // The chosen tones' powers, corrected for their frequency offset; the others stay raw.
    const rowPower = this.#power[row] as number;
    const columnPower = this.#power[4 + column] as number;
    if (rowPower < this.#minPower || columnPower < this.#minPower) return null;
    if (rowPower > columnPower * 10 ** (NORMAL_TWIST_DB / 10) || columnPower > rowPower * 10 ** (REVERSE_TWIST_DB / 10)) return null;
    const peak = 10 ** (RELATIVE_PEAK_DB / 10);
    for (let i = 0; i < 4; i++) {
      if (i !== row && (raw[i] as number) * peak > rowPower) return null;
      if (i !== column && (raw[4 + i] as number) * peak > columnPower) return null;
    }
    if (Math.abs(this.#deviation[row] as number) > MAX_DEVIATION || Math.abs(this.#deviation[4 + column] as number) > MAX_DEVIATION) return null;
    if (rowPower + columnPower < MIN_TONE_FRACTION * meanSquare) return null;
    this.hits++;
    return DTMF_KEYPAD[row]?.[column] ?? null;
  }

  /** Debounce: START_HITS windows in a row start a digit, END_MISSES without it end it. */
  #decide(digit: DtmfDigit | null): void {
    const windowStart = this.#position - 2 * this.#subBlock;
    if (digit !== null && digit === this.#digit) {
      this.#misses = 0;
      this.#lastHitEnd = this.#position;
      return;
    }
    if (this.#digit !== null && ++this.#misses >= END_MISSES) this.#end();
    if (digit === null) {
      this.#candidate = null;
      this.#candidateHits = 0;
      return;
    }
    if (digit !== this.#candidate) {
      this.#candidate = digit;
      this.#candidateHits = 0;
      this.#candidateStart = windowStart;
    }
    if (++this.#candidateHits < START_HITS) return;
    if (this.#digit !== null) this.#end();
    this.#digit = digit;
    this.#digitStart = this.#candidateStart;
    this.#lastHitEnd = this.#position;
    this.#misses = 0;
    this.#candidate = null;
    this.#candidateHits = 0;
    (this.#events ??= []).push({ type: 'start', digit, sample: this.#digitStart, durationMs: this.#ms(this.#position - this.#digitStart) });
  }

  #end(): void {
    const digit = this.#digit;
    if (digit === null) return;
    (this.#events ??= []).push({ type: 'end', digit, sample: this.#lastHitEnd, durationMs: this.#ms(this.#lastHitEnd - this.#digitStart) });
    this.#digit = null;
    this.#misses = 0;
  }

  #ms(samples: number): number {
    return Math.round((samples * 1000) / this.sampleRate);
  }
}

/** Index of the largest of `values[from..from+4)`, relative to `from`. */
function strongest(values: Float64Array, from: number): number {
  let best = 0;
  for (let i = 1; i < 4; i++) if ((values[from + i] as number) > (values[from + best] as number)) best = i;
  return best;
}
