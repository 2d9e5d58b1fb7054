/**
 * Streaming TD-PSOLA on the LPC residual (Moulines & Charpentier, Speech
 * Communication 9, 1990; applied to the excitation as in LP-PSOLA).
 *
 * Analysis marks: in voiced stretches one per pitch period, on the residual's
 * largest (smoothed) magnitude within ±20 % of one period after the previous
 * mark (the glottal closure instant); in unvoiced stretches every 2.5 ms.
 * Synthesis marks: voiced grains are spaced by the (shifted) period, unvoiced
 * ones sit exactly on their analysis marks, so noise is copied, never
 * repeated into a tone. Each synthesis mark takes the grain of the latest
 * analysis mark at most 1 ms after it; within ±3 % of ratio 1 the synthesis
 * marks are pulled onto the analysis marks, so an unshifted voice comes back
 * sample-exact.
 * Between two synthesis marks the earlier grain fades out while the later
 * one fades in (raised-cosine, complementary): over the whole gap when it is
 * shorter than 8 ms, else over the middle of it with both grains flat towards
 * their own mark. No grain reaches more than 8 ms (or, when lowering the
 * pitch, one analysis period) from its mark, which bounds the latency and
 * keeps neighbouring pulses out of a grain. At ratio 1 the windows sum to
 * exactly 1 and the residual comes back unchanged.
 *
 * Latency is bounded: the caller says which output sample must be final by
 * now (`needed`), and grains whose mark or data is not yet certain are placed
 * with what is known ("forced", counted) rather than stalling the output.
 */

/** What the synthesis pitch is made of (the processor computes it per hop). */
export interface SynthesisPitch {
  /** Output/input F0 ratio. */
  ratio: number;
  /** 0…1: pull towards `monotonePeriod` (robot). */
  monotone: number;
  /** Period of the monotone voice, samples. */
  monotonePeriod: number;
}

const MARKS = 512;
const MARK_MASK = MARKS - 1;
/** Longest half-window, seconds. */
export const MAX_HALF_WINDOW_S = 0.008;
/** A synthesis mark may take the grain of an analysis mark this far after it (absorbs mark jitter), seconds. */
export const MAP_TOLERANCE_S = 0.001;
/** Within this |ln(period ratio)| (3 %) synthesis marks are locked onto the analysis marks. */
const LOCK_RANGE = 0.03;
/** Shortest cross-fade between two grains when the gap between marks nears two half-windows, seconds. */
const MIN_FADE_S = 0.002;
/** Mark spacing in unvoiced stretches, seconds. */
const UNVOICED_SPACING_S = 0.0025;
/** Output F0 limits, Hz. */
const MAX_OUTPUT_F0 = 600;
const MIN_OUTPUT_F0 = 45;

export class PsolaShifter {
  /** Residual ring (the processor writes e[n] at n & mask before calling `advance`). */
  readonly residual: Float64Array;
  /** Overlap-added excitation ring; the reader clears what it consumed. */
  readonly excitation: Float64Array;
  readonly mask: number;
  /** Excitation is final for every index below this. */
  finalUntil = 0;
  /** Grains placed before their mark or data was certain (latency bound kept instead). */
  forcedGrains = 0;
  readonly #maxHalf: number;
  readonly #tolerance: number;
  readonly #minFade: number;
  readonly #unvoiced: number;
  readonly #minPeriod: number;
  readonly #maxPeriod: number;
  readonly #pos = new Float64Array(MARKS);
  readonly #period = new Float64Array(MARKS);
  readonly #voiced = new Uint8Array(MARKS);
  #count = 0;
  #mapped = 0;
  #sNext = 0;
  /** Shape of the interval before the next grain (its rising part). */
  #leftReach = 0;
  #leftFade = 0;

  constructor(sampleRate: number, ringSize: number) {
    this.residual = new Float64Array(ringSize);
    this.excitation = new Float64Array(ringSize);
    this.mask = ringSize - 1;
    this.#maxHalf = Math.round(sampleRate * MAX_HALF_WINDOW_S);
    this.#tolerance = Math.round(sampleRate * MAP_TOLERANCE_S);
    this.#minFade = Math.round(sampleRate * MIN_FADE_S);
    this.#unvoiced = Math.round(sampleRate * UNVOICED_SPACING_S);
    this.#minPeriod = sampleRate / MAX_OUTPUT_F0;
    this.#maxPeriod = sampleRate / MIN_OUTPUT_F0;
    this.reset();
  }

  reset(): void {
    this.residual.fill(0);
    this.excitation.fill(0);
    this.#count = 0;
    this.#push(0, false, this.#unvoiced);
    this.#mapped = 0;
    this.#sNext = 0;
    this.#leftReach = 0;
    this.#leftFade = 0;
    this.finalUntil = 0;
    this.forcedGrains = 0;
  }

  /** After the residual is known below `end`: adds marks, places grains, updates `finalUntil` (≥ `needed` on return). */
  advance(end: number, voiced: boolean, period: number, pitch: SynthesisPitch, needed: number): void {
    this.#detectMarks(end, voiced, period);
    while (this.#placeNext(end, pitch, false));
    while (this.finalUntil < needed) {
      this.#placeNext(end, pitch, true);
      this.forcedGrains++;
    }
  }

  #push(pos: number, voiced: boolean, period: number): void {
    const slot = this.#count & MARK_MASK;
    this.#pos[slot] = pos;
    this.#voiced[slot] = voiced ? 1 : 0;
    this.#period[slot] = period;
    this.#count++;
  }

  #markPos(index: number): number {
    return this.#pos[index & MARK_MASK] ?? 0;
  }

  #detectMarks(end: number, voiced: boolean, period: number): void {
    const e = this.residual;
    const mask = this.mask;
    for (;;) {
      const last = (this.#count - 1) & MARK_MASK;
      const a = this.#pos[last] ?? 0;
      const lastVoiced = this.#voiced[last] === 1;
      const lastPeriod = this.#period[last] ?? this.#unvoiced;
      if (voiced) {
        let lo: number;
        let hi: number;
        if (lastVoiced) {
          const ref = Math.min(1.25 * lastPeriod, Math.max(0.8 * lastPeriod, period));
          lo = Math.ceil(a + 0.8 * ref);
          hi = Math.floor(a + 1.2 * ref);
        } else {
          lo = a + (this.#unvoiced >> 1);
          hi = Math.floor(lo + period);
        }
        if (hi + 1 >= end) return;
        let best = lo;
        let bestValue = -1;
        for (let i = lo; i <= hi; i++) {
          const v = 0.25 * Math.abs(e[(i - 1) & mask] ?? 0) + 0.5 * Math.abs(e[i & mask] ?? 0) + 0.25 * Math.abs(e[(i + 1) & mask] ?? 0);
          if (v > bestValue) {
            bestValue = v;
            best = i;
          }
        }
        this.#push(best, true, period);
      } else {
        const next = a + (lastVoiced ? Math.max(this.#unvoiced, Math.round(0.64 * lastPeriod)) : this.#unvoiced);
        if (next >= end) return;
        this.#push(next, false, this.#unvoiced);
      }
    }
  }

  #synthesisPeriod(analysisPeriod: number, pitch: SynthesisPitch): number {
    const shifted = Math.log(analysisPeriod / pitch.ratio);
    const p = Math.exp(shifted + pitch.monotone * (Math.log(pitch.monotonePeriod) - shifted));
    return Math.min(this.#maxPeriod, Math.max(this.#minPeriod, p));
  }

  /** Places the next grain if its mark and data are certain (or `force`); returns whether one was placed. */
  #placeNext(end: number, pitch: SynthesisPitch, force: boolean): boolean {
    const s = this.#sNext;
    const limit = s + this.#tolerance;
    while (this.#mapped + 1 < this.#count && this.#markPos(this.#mapped + 1) <= limit) this.#mapped++;
    const j = this.#mapped;
    const slot = j & MARK_MASK;
    const a = this.#pos[slot] ?? 0;
    const voiced = this.#voiced[slot] === 1;
    const known = j + 1 < this.#count;
    // Wait for the next analysis mark: it makes the mapping certain and gives the exact spacing.
    if (!force && !known) return false;
    const nextPos = this.#markPos(j + 1);
    let sAfter: number;
    let cap = Infinity;
    let scale = 1;
    if (voiced) {
      const analysisPeriod = this.#analysisPeriod(j, known);
      const period = this.#synthesisPeriod(analysisPeriod, pitch);
      // Near ratio 1, pull the synthesis marks onto the analysis marks (an unshifted voice stays exact).
      const lock = Math.max(0, 1 - Math.abs(Math.log(period / analysisPeriod)) / LOCK_RANGE);
      sAfter = s + period - lock * (s - a);
      cap = Math.max(1, Math.round(analysisPeriod));
      // One pulse per synthesis period instead of per analysis period: keep the excitation power.
      scale = Math.sqrt(period / analysisPeriod);
    } else {
      let candidate = known ? nextPos : a + this.#unvoiced;
      if (candidate < s + (this.#unvoiced >> 1)) candidate = j + 2 < this.#count ? this.#markPos(j + 2) : candidate + this.#unvoiced;
      sAfter = candidate;
    }
    const c = Math.round(s);
    const cAfter = Math.round(sAfter);
    // The interval before this grain was shaped when the previous grain was placed; shape the one after it.
    const length = cAfter - c;
    const extent = Math.min(this.#maxHalf, cap);
    let reach = Math.min(length, extent);
    const fade = length <= extent ? length : Math.min(extent, Math.max(Math.min(extent, this.#minFade), 2 * extent - length));
    if (a + reach >= end) {
      if (!force) return false;
      reach = Math.max(0, end - 1 - a);
    }
    this.#addRising(a, c, this.#leftReach, this.#leftFade, scale);
    this.#addFalling(a, c, reach, Math.min(fade, reach), scale);
    this.#leftReach = Math.min(length, extent);
    this.#leftFade = fade;
    this.#sNext = sAfter;
    this.finalUntil = cAfter - this.#leftReach;
    return true;
  }

  /** Adds e[a−reach .. a) at c−reach .. c: a raised-cosine rise over the first `fade` samples, then 1. */
  #addRising(a: number, c: number, reach: number, fade: number, scale: number): void {
    const e = this.residual;
    const out = this.excitation;
    const mask = this.mask;
    // cos(πi/fade) by a rotating phasor: no Math.cos per sample.
    const stepCos = Math.cos(Math.PI / fade);
    const stepSin = Math.sin(Math.PI / fade);
    let cos = 1;
    let sin = 0;
    for (let i = 0; i < reach; i++) {
      const w = i < fade ? scale * (0.5 - 0.5 * cos) : scale;
      const next = cos * stepCos - sin * stepSin;
      sin = sin * stepCos + cos * stepSin;
      cos = next;
      const at = (c + i - reach) & mask;
      out[at] = (out[at] as number) + w * (e[(a + i - reach) & mask] as number);
    }
  }

  /** Adds e[a .. a+reach) at c .. c+reach: 1, then a raised-cosine fall over the last `fade` samples. */
  #addFalling(a: number, c: number, reach: number, fade: number, scale: number): void {
    const e = this.residual;
    const out = this.excitation;
    const mask = this.mask;
    const flat = reach - fade;
    const stepCos = Math.cos(Math.PI / fade);
    const stepSin = Math.sin(Math.PI / fade);
    let cos = 1;
    let sin = 0;
    for (let i = 0; i < reach; i++) {
      let w = scale;
      if (i >= flat) {
        w = scale * (0.5 + 0.5 * cos);
        const next = cos * stepCos - sin * stepSin;
        sin = sin * stepCos + cos * stepSin;
        cos = next;
      }
      const at = (c + i) & mask;
      out[at] = (out[at] as number) + w * (e[(a + i) & mask] as number);
    }
  }

  /** Local period at mark j: the spacing to the next voiced mark, else to the previous one, else the tracker's. */
  #analysisPeriod(j: number, known: boolean): number {
    const a = this.#markPos(j);
    if (known && this.#voiced[(j + 1) & MARK_MASK] === 1) return this.#markPos(j + 1) - a;
    const tracked = this.#period[j & MARK_MASK] ?? this.#unvoiced;
    if (j > 0 && this.#voiced[(j - 1) & MARK_MASK] === 1) {
      const spacing = a - this.#markPos(j - 1);
      if (spacing > 0.8 * tracked && spacing < 1.25 * tracked) return spacing;
    }
    return tracked;
  }
}
