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

/** Head-room on the early-reject bounds, so rounding can never reject a window the full test accepts. */
const BOUND_SLACK = 1 + 1e-9;

/** One sub-block's samples, energy and (lazily computed) complex Goertzel values. */
interface SubBlock {
  readonly samples: Int16Array;
  readonly re: Float64Array;
  readonly im: Float64Array;
  energy: number;
  /** Whether re/im hold the rows' (0..3) and the columns' (4..7) values for these samples. */
  rows: boolean;
  columns: boolean;
}

function newSubBlock(samples: number): SubBlock {
  return { samples: new Int16Array(samples), re: new Float64Array(8), im: new Float64Array(8), energy: 0, rows: false, columns: false };
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
  /** The previous and the current sub-block (swapped as each completes). */
  #prev: SubBlock;
  #cur: SubBlock;
  /** Mean-square power of each tone in the window, as measured and corrected for its frequency offset. */
  readonly #raw = new Float64Array(8);
  readonly #power = new Float64Array(8);
  readonly #deviation = new Float64Array(8);
  #fill = 0;
  #energy = 0;
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
    this.#prev = newSubBlock(s);
    this.#cur = newSubBlock(s);
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
    const end = offset + length;
    let at = offset;
    while (at < end) {
      const fill = this.#fill;
      const run = Math.min(end - at, this.#subBlock - fill);
      const held = this.#cur.samples;
      let energy = this.#energy;
      for (let i = 0; i < run; i++) {
        const x = pcm[at + i] as number;
        held[fill + i] = x;
        energy += x * x;
      }
      this.#energy = energy;
      this.#fill = fill + run;
      this.#position += run;
      at += run;
      if (this.#fill === this.#subBlock) this.#endSubBlock();
    }
    return this.#events ?? NO_EVENTS;
  }

  /** Forgets everything (a new stream); no events for a digit in progress. */
  reset(): void {
    for (const block of [this.#prev, this.#cur]) {
      // The sub-block before the first one is silence, as at construction.
      block.samples.fill(0);
      block.energy = 0;
      block.rows = block.columns = false;
    }
    this.#fill = this.#energy = this.#position = 0;
    this.#candidate = this.#digit = null;
    this.#candidateHits = this.#misses = 0;
  }

  /**
   * A sub-block is complete. Goertzel values are computed lazily, per band
   * (rows, columns) and sub-block, only as far as `#classify` gets: a quiet
   * window, or one whose rows already rule out a digit, costs the sample copy
   * and little else. A value depends only on its own sub-block's samples, so
   * computing it one sub-block later gives the same bits.
   */
  #endSubBlock(): void {
    const prev = this.#prev;
    const cur = this.#cur;
    cur.energy = this.#energy;
    cur.rows = cur.columns = false;
    const meanSquare = (prev.energy + cur.energy) / (2 * this.#subBlock);
    // See #classify for why a quieter window cannot hold a digit.
    const digit = 8 * meanSquare >= this.#minPower ? this.#classify(meanSquare) : null;
    this.#prev = cur;
    this.#cur = prev;
    this.#energy = 0;
    this.#fill = 0;
    this.#decide(digit);
  }

  /** Both sub-blocks' Goertzel values for the rows (band 0) or columns (band 4), then the window's raw powers there. */
  #band(base: 0 | 4): void {
    const window = 2 * this.#subBlock;
    const a = this.#prev;
    const b = this.#cur;
    const done = base === 0 ? 'rows' : 'columns';
    if (!a[done]) this.#goertzel(a, base);
    if (!b[done]) this.#goertzel(b, base);
    a[done] = b[done] = true;
    for (let f = base; f < base + 4; f++) {
      const ar = a.re[f] as number;
      const ai = a.im[f] as number;
      const br = b.re[f] as number;
      const bi = b.im[f] as number;
      // Window value referenced to its start: A + e^{-jωS}·B.
      const xr = ar + (this.#stepCos[f] as number) * br + (this.#stepSin[f] as number) * bi;
      const xi = ai + (this.#stepCos[f] as number) * bi - (this.#stepSin[f] as number) * br;
      this.#raw[f] = (2 * (xr * xr + xi * xi)) / (window * window);
    }
  }

  /**
   * Σ x[n]·e^{-jωn} over one sub-block at four frequencies (`base`..`base+3`),
   * by the Goertzel recursion, = e^{-jω(S−1)}·(s1 − e^{-jω}·s2). The hot loop
   * of every leg that may carry in-band DTMF: filter states live in locals
   * (registers), not typed-array slots.
   */
  #goertzel(block: SubBlock, base: number): void {
    const coeff = this.#coeff;
    const samples = block.samples;
    const c0 = coeff[base] as number, c1 = coeff[base + 1] as number, c2 = coeff[base + 2] as number, c3 = coeff[base + 3] as number;
    let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    let b0 = 0, b1 = 0, b2 = 0, b3 = 0;
    let t: number;
    for (let i = 0; i < samples.length; i++) {
      const x = samples[i] as number;
      t = x + c0 * a0 - b0; b0 = a0; a0 = t;
      t = x + c1 * a1 - b1; b1 = a1; a1 = t;
      t = x + c2 * a2 - b2; b2 = a2; a2 = t;
      t = x + c3 * a3 - b3; b3 = a3; a3 = t;
    }
    this.#output(block, base, a0, b0);
    this.#output(block, base + 1, a1, b1);
    this.#output(block, base + 2, a2, b2);
    this.#output(block, base + 3, a3, b3);
  }

  #output(block: SubBlock, f: number, s1: number, s2: number): void {
    const yr = s1 - (this.#cosOmega[f] as number) * s2;
    const yi = (this.#sinOmega[f] as number) * s2;
    const c = this.#outCos[f] as number;
    const s = this.#outSin[f] as number;
    block.re[f] = yr * c + yi * s;
    block.im[f] = yi * c - yr * s;
  }

  /**
   * The digit the last two sub-blocks carry, or null. Cheap exact bounds come
   * first: a tone's corrected power is at most 4× its raw power (the
   * correction is capped at 4) and a raw power at most 2× the window's mean
   * square (Cauchy–Schwarz), so a window with 8·meanSquare < minPower is not
   * even looked at, and one whose strongest row is too weak skips the columns.
   */
  #classify(meanSquare: number): DtmfDigit | null {
    const raw = this.#raw;
    const minFraction = MIN_TONE_FRACTION * meanSquare;
    this.#band(0);
    const row = strongest(raw, 0);
    // Bounds that need no column yet: the row's level, and the pair's share of the
    // energy (the column is at most REVERSE_TWIST above the row).
    const rowBound = 4 * (raw[row] as number);
    if (rowBound < this.#minPower || rowBound * (1 + 10 ** (REVERSE_TWIST_DB / 10)) * BOUND_SLACK < minFraction) return null;
    if (outshone(raw, 0, row, rowBound)) return null;
    this.#band(4);
    const column = strongest(raw, 4);
    const columnBound = 4 * (raw[4 + column] as number);
    if (columnBound < this.#minPower || (rowBound + columnBound) * BOUND_SLACK < minFraction) return null;
    if (outshone(raw, 4, column, columnBound)) return null;
    // The chosen tones' powers, corrected for their frequency offset; the others stay raw.
    this.#measure(row);
    this.#measure(4 + column);
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

  /** Frequency deviation of tone `f` and its power corrected for the window's response there. */
  #measure(f: number): void {
    const window = 2 * this.#subBlock;
    const w = this.#omega[f] as number;
    const ar = this.#prev.re[f] as number;
    const ai = this.#prev.im[f] as number;
    const br = this.#cur.re[f] as number;
    const bi = this.#cur.im[f] as number;
    // Phase advance of B over A is ω_tone·S; its excess over ω·S is the frequency offset.
    const advance = Math.atan2(bi * ar - br * ai, br * ar + bi * ai);
    let excess = advance - w * this.#subBlock;
    excess -= 2 * Math.PI * Math.round(excess / (2 * Math.PI));
    const offset = excess / this.#subBlock;
    this.#deviation[f] = (offset * this.sampleRate) / (2 * Math.PI) / (FREQUENCIES[f] as number);
    // Rectangular window response at that offset, to undo its loss.
    const response = Math.abs(offset) < 1e-9 ? 1 : Math.abs(Math.sin((offset * window) / 2) / (window * Math.sin(offset / 2)));
    this.#power[f] = (this.#raw[f] as number) / Math.max(response * response, 0.25);
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

/**
 * Whether another tone of the group `values[from..from+4)` is within
 * RELATIVE_PEAK of `bound`, an upper bound of the chosen tone's corrected
 * power: the full relative-peak test would then fail too.
 */
function outshone(values: Float64Array, from: number, chosen: number, bound: number): boolean {
  const peak = 10 ** (RELATIVE_PEAK_DB / 10);
  for (let i = 0; i < 4; i++) if (i !== chosen && (values[from + i] as number) * peak > bound * BOUND_SLACK) return true;
  return false;
}

/** Index of the largest of `values[from..from+4)`, relative to `from`. */
function strongest(values: Float64Array, from: number): number {
  let best = 0;
  for (let i = 1; i < 4; i++) if ((values[from + i] as number) > (values[from + best] as number)) best = i;
  return best;
}
