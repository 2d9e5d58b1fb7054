/**
 * Radix-2 FFT of a real signal, for the spectral blocks (noise suppression,
 * echo cancellation). A real sequence of n samples is packed into a complex
 * sequence of n/2 points (even samples as real parts, odd as imaginary), one
 * complex radix-2 decimation-in-time FFT is run, and the two interleaved
 * spectra are split apart (the standard "two for the price of one" trick:
 * Oppenheim & Schafer, Discrete-Time Signal Processing, §9.3; Press et al.,
 * Numerical Recipes §12.3, `realft`).
 *
 * Spectrum layout: n + 2 floats, interleaved bins 0..n/2 as [re0, im0, re1, im1, …].
 * The forward transform is unnormalised, the inverse divides by n, so
 * `inverse(forward(x)) === x` up to rounding.
 *
 * Tables are built once per size; `forward`/`inverse` allocate nothing.
 */

export class RealFft {
  readonly size: number;
  /** Number of complex bins in a spectrum: n/2 + 1. */
  readonly bins: number;
  readonly #half: number;
  readonly #bitReverse: Uint32Array;
  /** Per-stage twiddles of the half-size complex FFT: stage with span 2h stores cos/sin(πj/h), j < h, at offset h. */
  readonly #stageCos: Float64Array;
  readonly #stageSin: Float64Array;
  /** cos/sin(2πk/n) for the split step, k ≤ n/2. */
  readonly #cosFull: Float64Array;
  readonly #sinFull: Float64Array;
  readonly #re: Float64Array;
  readonly #im: Float64Array;

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 4 || (size & (size - 1)) !== 0) {
      throw new RangeError(`RealFft size must be a power of two >= 4, got ${size}`);
    }
    this.size = size;
    const half = size / 2;
    this.#half = half;
    this.bins = half + 1;
    this.#re = new Float64Array(half);
    this.#im = new Float64Array(half);
    this.#bitReverse = new Uint32Array(half);
    const bits = Math.log2(half);
    for (let i = 0; i < half; i++) {
      let r = 0;
      for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
      this.#bitReverse[i] = r;
    }
    // Contiguous per-stage tables so the inner loop reads twiddles sequentially.
    this.#stageCos = new Float64Array(half);
    this.#stageSin = new Float64Array(half);
    for (let h = 1; h < half; h <<= 1) {
      for (let j = 0; j < h; j++) {
        this.#stageCos[h + j] = Math.cos((Math.PI * j) / h);
        this.#stageSin[h + j] = Math.sin((Math.PI * j) / h);
      }
    }
    this.#cosFull = new Float64Array(half + 1);
    this.#sinFull = new Float64Array(half + 1);
    for (let k = 0; k <= half; k++) {
      this.#cosFull[k] = Math.cos((2 * Math.PI * k) / size);
      this.#sinFull[k] = Math.sin((2 * Math.PI * k) / size);
    }
  }

  /**
   * Spectrum of `input[0..n)` into `spectrum[0..n+2)` (interleaved re/im, bins
   * 0..n/2). With `window`, transforms input·window (saves the caller a pass).
   */
  forward(input: Float32Array, spectrum: Float32Array, window?: Float32Array): void {
    const half = this.#half;
    const re = this.#re;
    const im = this.#im;
    const rev = this.#bitReverse;
    if (window) {
      for (let i = 0; i < half; i++) {
        const j = rev[i] as number;
        re[j] = (input[2 * i] as number) * (window[2 * i] as number);
        im[j] = (input[2 * i + 1] as number) * (window[2 * i + 1] as number);
      }
    } else {
      for (let i = 0; i < half; i++) {
        const j = rev[i] as number;
        re[j] = input[2 * i] as number;
        im[j] = input[2 * i + 1] as number;
      }
    }
    this.#butterflies(-1);
    const cos = this.#cosFull;
    const sin = this.#sinFull;
    for (let k = 0; k <= half; k++) {
      const a = k === half ? 0 : k;
      const b = k === 0 ? 0 : half - k;
      const zr = re[a] as number;
      const zi = im[a] as number;
      const cr = re[b] as number;
      const ci = im[b] as number;
      // E: spectrum of the even samples, O: of the odd ones (both of length n/2).
      const er = 0.5 * (zr + cr);
      const ei = 0.5 * (zi - ci);
      const or = 0.5 * (zi + ci);
      const oi = -0.5 * (zr - cr);
      const c = cos[k] as number;
      const s = sin[k] as number;
      // X[k] = E[k] + e^{-2πik/n}·O[k]
      spectrum[2 * k] = er + c * or + s * oi;
      spectrum[2 * k + 1] = ei + c * oi - s * or;
    }
  }

  /**
   * Signal `output[0..n)` from `spectrum` (layout of `forward`), scaled by 1/n.
   * With `window`, writes signal·window (a synthesis window for overlap-add).
   */
  inverse(spectrum: Float32Array, output: Float32Array, window?: Float32Array): void {
    const half = this.#half;
    const re = this.#re;
    const im = this.#im;
    const rev = this.#bitReverse;
    const cos = this.#cosFull;
    const sin = this.#sinFull;
    for (let k = 0; k < half; k++) {
      const xr = spectrum[2 * k] as number;
      const xi = spectrum[2 * k + 1] as number;
      const yr = spectrum[2 * (half - k)] as number;
      const yi = -(spectrum[2 * (half - k) + 1] as number);
      // E = (X[k] + conj X[m-k]) / 2 ; O = (X[k] - conj X[m-k]) / 2 · e^{+2πik/n}
      const er = 0.5 * (xr + yr);
      const ei = 0.5 * (xi + yi);
      const dr = 0.5 * (xr - yr);
      const di = 0.5 * (xi - yi);
      const c = cos[k] as number;
      const s = sin[k] as number;
      const or = dr * c - di * s;
      const oi = dr * s + di * c;
      // Z = E + i·O, stored bit-reversed for the in-place butterflies.
      const j = rev[k] as number;
      re[j] = er - oi;
      im[j] = ei + or;
    }
    this.#butterflies(1);
    const scale = 1 / half;
    if (window) {
      for (let i = 0; i < half; i++) {
        output[2 * i] = (re[i] as number) * scale * (window[2 * i] as number);
        output[2 * i + 1] = (im[i] as number) * scale * (window[2 * i + 1] as number);
      }
    } else {
      for (let i = 0; i < half; i++) {
        output[2 * i] = (re[i] as number) * scale;
        output[2 * i + 1] = (im[i] as number) * scale;
      }
    }
  }

  /**
   * In-place iterative radix-2 decimation-in-time butterflies over bit-reversed
   * data; sign −1 forward, +1 inverse. The first stage (twiddle 1) needs no
   * multiplies; after it, pairs of stages are fused (radix-2²: one pass over
   * four points, three complex multiplies instead of four), which halves the
   * passes over memory.
   */
  #butterflies(sign: number): void {
    const n = this.#half;
    const re = this.#re;
    const im = this.#im;
    for (let a = 0; a < n; a += 2) {
      const ar = re[a] as number;
      const ai = im[a] as number;
      const br = re[a + 1] as number;
      const bi = im[a + 1] as number;
      re[a] = ar + br;
      im[a] = ai + bi;
      re[a + 1] = ar - br;
      im[a + 1] = ai - bi;
    }
    let h = 2;
    // An odd number of remaining stages: do one plain radix-2 stage first.
    if ((Math.log2(n) - 1) % 2 === 1) {
      this.#radix2Stage(h, sign);
      h = 4;
    }
    for (; h < n; h <<= 2) this.#fusedStages(h, sign);
  }

  /** One radix-2 stage whose butterflies span 2h. */
  #radix2Stage(h: number, sign: number): void {
    const n = this.#half;
    const re = this.#re;
    const im = this.#im;
    const cos = this.#stageCos;
    const sin = this.#stageSin;
    const span = h << 1;
    for (let j = 0; j < h; j++) {
      const wr = cos[h + j] as number;
      const wi = sign * (sin[h + j] as number);
      for (let a = j; a < n; a += span) {
        const b = a + h;
        const br = re[b] as number;
        const bi = im[b] as number;
        const tr = br * wr - bi * wi;
        const ti = br * wi + bi * wr;
        const ar = re[a] as number;
        const ai = im[a] as number;
        re[b] = ar - tr;
        im[b] = ai - ti;
        re[a] = ar + tr;
        im[a] = ai + ti;
      }
    }
  }

  /** The radix-2 stages spanning 2h and 4h, fused over the points a, a+h, a+2h, a+3h. */
  #fusedStages(h: number, sign: number): void {
    const n = this.#half;
    const re = this.#re;
    const im = this.#im;
    const cos = this.#stageCos;
    const sin = this.#stageSin;
    const span = h << 2;
    for (let j = 0; j < h; j++) {
      // W1 = e^{∓iπj/h} for the first stage, W2 = e^{∓iπj/(2h)} for the second; the
      // second stage's other half uses W2·e^{∓iπ/2} = W2·(∓i), a swap instead of a multiply.
      const w1r = cos[h + j] as number;
      const w1i = sign * (sin[h + j] as number);
      const w2r = cos[2 * h + j] as number;
      const w2i = sign * (sin[2 * h + j] as number);
      for (let a = j; a < n; a += span) {
        const b = a + h;
        const c = b + h;
        const d = c + h;
        const br = re[b] as number;
        const bi = im[b] as number;
        const dr = re[d] as number;
        const di = im[d] as number;
        const t1r = br * w1r - bi * w1i;
        const t1i = br * w1i + bi * w1r;
        const t3r = dr * w1r - di * w1i;
        const t3i = dr * w1i + di * w1r;
        const ar = re[a] as number;
        const ai = im[a] as number;
        const cr = re[c] as number;
        const ci = im[c] as number;
        const x0r = ar + t1r;
        const x0i = ai + t1i;
        const x1r = ar - t1r;
        const x1i = ai - t1i;
        const x2r = cr + t3r;
        const x2i = ci + t3i;
        const x3r = cr - t3r;
        const x3i = ci - t3i;
        const u2r = x2r * w2r - x2i * w2i;
        const u2i = x2r * w2i + x2i * w2r;
        const v3r = x3r * w2r - x3i * w2i;
        const v3i = x3r * w2i + x3i * w2r;
        // (v3r + i·v3i)·(sign·i) = −sign·v3i + i·sign·v3r
        const u3r = -sign * v3i;
        const u3i = sign * v3r;
        re[a] = x0r + u2r;
        im[a] = x0i + u2i;
        re[c] = x0r - u2r;
        im[c] = x0i - u2i;
        re[b] = x1r + u3r;
        im[b] = x1i + u3i;
        re[d] = x1r - u3r;
        im[d] = x1i - u3i;
      }
    }
  }
}
