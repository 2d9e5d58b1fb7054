/**
 * Streaming pitch tracker: YIN (de Cheveigné & Kawahara, JASA 2002) on a
 * 4 kHz decimated copy of the input with a 20 ms integration window, then the
 * period is refined at the full rate by normalised cross-correlation around
 * the YIN estimate (YIN at 4 kHz alone is only good to about ±1 %, and the
 * PSOLA marks are spaced from this period). F0 range 70–400 Hz.
 *
 * `push` takes input samples one at a time (two biquads and a decimator);
 * `analyse` runs the estimate on the newest window and is called once per hop.
 */

const DECIMATED_RATE = 4000;
const MIN_F0 = 70;
const MAX_F0 = 400;
/** YIN integration window at the decimated rate (20 ms). */
const WINDOW = 80;
/** YIN absolute threshold (step 4 of the paper). */
const THRESHOLD = 0.15;
/** Aperiodicity (d′ at the chosen lag) below which a frame is voiced; looser while already voiced. */
const VOICED_ENTER = 0.25;
const VOICED_STAY = 0.35;
/** RMS of the low-passed window (16-bit units) below which a frame is unvoiced (≈ −56 dBFS). */
const MIN_RMS = 50;
const RING = 1 << 12;
const RING_MASK = RING - 1;
const DEC_RING = 256;
const DEC_MASK = DEC_RING - 1;

interface Biquad {
  b0: number;
  b1: number;
  b2: number;
  a1: number;
  a2: number;
  z1: number;
  z2: number;
}

/** Butterworth low-pass sections (bilinear transform), Q values of a 4th-order design. */
function lowPass(cutoff: number, sampleRate: number, q: number): Biquad {
  const w = Math.tan((Math.PI * cutoff) / sampleRate);
  const norm = 1 / (1 + w / q + w * w);
  const b0 = w * w * norm;
  return { b0, b1: 2 * b0, b2: b0, a1: 2 * (w * w - 1) * norm, a2: (1 - w / q + w * w) * norm, z1: 0, z2: 0 };
}

function step(s: Biquad, x: number): number {
  const y = s.b0 * x + s.z1;
  s.z1 = s.b1 * x - s.a1 * y + s.z2;
  s.z2 = s.b2 * x - s.a2 * y;
  return y;
}

export class PitchTracker {
  readonly sampleRate: number;
  /** Period of the newest window in input samples (fractional), meaningful when `voiced`. */
  period = 0;
  voiced = false;
  /** YIN aperiodicity d′ at the chosen lag (0 = perfectly periodic). */
  aperiodicity = 1;
  readonly #decimation: number;
  readonly #sections: Biquad[];
  /** Low-passed input at the full rate (for the refinement). */
  readonly #lp = new Float64Array(RING);
  readonly #dec = new Float64Array(DEC_RING);
  readonly #diff: Float64Array;
  /** Straight copies of the newest samples for the inner loops. */
  readonly #span: Float64Array;
  readonly #tail: Float64Array;
  readonly #refineWindow: number;
  readonly #tauMin: number;
  readonly #tauMax: number;
  #n = 0;
  #decN = 0;

  constructor(sampleRate: number) {
    this.sampleRate = sampleRate;
    this.#decimation = Math.max(1, Math.round(sampleRate / DECIMATED_RATE));
    this.#sections = [lowPass(1000, sampleRate, 0.5412), lowPass(1000, sampleRate, 1.3066)];
    this.#tauMin = Math.floor(DECIMATED_RATE / MAX_F0);
    this.#tauMax = Math.ceil(DECIMATED_RATE / MIN_F0);
    this.#diff = new Float64Array(this.#tauMax + 2);
    this.#span = new Float64Array(WINDOW + this.#tauMax);
    this.#refineWindow = Math.round(sampleRate * 0.015);
    this.#tail = new Float64Array(Math.ceil((2.5 * sampleRate) / MIN_F0) + 4 * this.#decimation);
  }

  reset(): void {
    this.#lp.fill(0);
    this.#dec.fill(0);
    for (const s of this.#sections) s.z1 = s.z2 = 0;
    this.#n = 0;
    this.#decN = 0;
    this.period = 0;
    this.voiced = false;
    this.aperiodicity = 1;
  }

  push(sample: number): void {
    const sections = this.#sections;
    let y = sample;
    for (let i = 0; i < sections.length; i++) y = step(sections[i] as Biquad, y);
    this.#lp[this.#n & RING_MASK] = y;
    this.#n = (this.#n + 1) & 0x3fffffff;
    if (this.#n % this.#decimation === 0) {
      this.#dec[this.#decN & DEC_MASK] = y;
      this.#decN = (this.#decN + 1) & 0x3fffffff;
    }
  }

  /** Runs YIN on the newest decimated window and refines the period; updates period/voiced. */
  analyse(): void {
    const span = this.#span;
    const tauMax = this.#tauMax;
    // Copy the newest WINDOW + tauMax decimated samples into a straight buffer (no ring arithmetic in the loops).
    const start = this.#decN - span.length;
    for (let i = 0; i < span.length; i++) span[i] = this.#dec[(start + i) & DEC_MASK] as number;
    const diff = this.#diff;
    let energy = 0;
    for (let i = tauMax; i < span.length; i++) energy += (span[i] as number) * (span[i] as number);
    // d(τ) over the window that ends at the newest sample, comparing with τ samples earlier.
    let running = 0;
    diff[0] = 1;
    for (let tau = 1; tau <= tauMax; tau++) {
      let d = 0;
      for (let i = tauMax; i < span.length; i++) {
        const delta = (span[i] as number) - (span[i - tau] as number);
        d += delta * delta;
      }
      running += d;
      diff[tau] = running > 0 ? (d * tau) / running : 1;
    }
    let chosen = -1;
    let best = this.#tauMin;
    for (let tau = this.#tauMin; tau <= tauMax; tau++) {
      const v = diff[tau] as number;
      if (v < (diff[best] as number)) best = tau;
      if (chosen < 0 && v < THRESHOLD) {
        // Walk down to the bottom of this dip.
        let t = tau;
        while (t + 1 <= tauMax && (diff[t + 1] as number) < (diff[t] as number)) t++;
        chosen = t;
      }
    }
    const tau = chosen >= 0 ? chosen : best;
    this.aperiodicity = diff[tau] ?? 1;
    const rms = Math.sqrt(energy / WINDOW);
    const limit = this.voiced ? VOICED_STAY : VOICED_ENTER;
    this.voiced = rms > MIN_RMS && this.aperiodicity < limit && tau > this.#tauMin && tau < tauMax;
    if (!this.voiced) return;
    this.period = this.#refine(tau + parabolaOffset(diff[tau - 1] ?? 1, diff[tau] ?? 1, diff[tau + 1] ?? 1));
  }

  /** Full-rate lag (fractional) maximising the normalised cross-correlation near `tau` decimated samples. */
  #refine(tau: number): number {
    const d = this.#decimation;
    const guess = tau * d;
    if (d === 1) return guess;
    const lo = Math.max(2, Math.floor(guess - d));
    const hi = Math.ceil(guess + d);
    const length = Math.min(this.#tail.length - hi, Math.max(this.#refineWindow, Math.ceil(1.5 * guess)));
    // tail[hi + i] is the window; tail[hi + i − lag] the lagged copy.
    const tail = this.#tail;
    const total = hi + length;
    const first = this.#n - total;
    for (let i = 0; i < total; i++) tail[i] = this.#lp[(first + i) & RING_MASK] as number;
    let energy0 = 0;
    for (let i = hi; i < total; i++) energy0 += (tail[i] as number) * (tail[i] as number);
    let bestLag = Math.round(guess);
    let bestScore = -Infinity;
    let before = -Infinity;
    let after = -Infinity;
    let previous = -Infinity;
    for (let lag = lo; lag <= hi; lag++) {
      let cross = 0;
      let energy = 0;
      for (let i = hi; i < total; i++) {
        const b = tail[i - lag] as number;
        cross += (tail[i] as number) * b;
        energy += b * b;
      }
      const score = cross / Math.sqrt(energy0 * energy + 1e-9);
      if (score > bestScore) {
        bestScore = score;
        bestLag = lag;
        before = previous;
        after = -Infinity;
      } else if (lag === bestLag + 1) {
        after = score;
      }
      previous = score;
    }
    if (!Number.isFinite(before) || !Number.isFinite(after)) return bestLag;
    return bestLag + parabolaOffset(-before, -bestScore, -after);
  }
}

/** Offset (−0.5…0.5) of a parabola's vertex through three equally spaced points around the middle one. */
function parabolaOffset(left: number, mid: number, right: number): number {
  const denominator = left - 2 * mid + right;
  if (!(denominator > 0)) return 0;
  return Math.max(-0.5, Math.min(0.5, (0.5 * (left - right)) / denominator));
}
