/**
 * The spectral machinery of the multidelay block frequency-domain filter
 * (MDF; J.-S. Soo, K. K. Pang, IEEE Trans. ASSP 38(2), 1990): M partitions
 * of B taps, each a 2B-point spectrum, applied by overlap-save to the last M
 * far-end block spectra. Holds the two filters of the two-path scheme
 * (foreground, background); `mdf.ts` decides how they adapt.
 *
 * Spectra are interleaved re/im, bins 0..B (2B + 2 floats), from the
 * unnormalised `RealFft` (the inverse divides by 2B).
 */
import { RealFft } from '../fft.js';

export class PartitionedFilter {
  readonly blockSize: number;
  readonly partitions: number;
  /** Floats per spectrum. */
  readonly spectrumLength: number;
  readonly fft: RealFft;
  /** Both filters, partition j at [j·spectrumLength, (j+1)·spectrumLength). */
  readonly background: Float32Array;
  readonly foreground: Float32Array;
  /** Scratch time buffer of 2B samples, free between calls. */
  readonly time: Float32Array;
  /** Far-end window: the previous block then the current one (2B samples). */
  readonly #farWindow: Float32Array;
  /** M far-end spectra, newest at `#head`, older at increasing indices (mod M). */
  readonly #farSpectra: Float32Array;
  #head = 0;
  /** Views of the background filter, one per partition (made once: a view per block would allocate). */
  readonly #backgroundPartitions: Float32Array[] = [];
  readonly #spectrum: Float32Array;
  readonly #fgSum: Float64Array;
  readonly #bgSum: Float64Array;
  /** Start of each partition's far-end spectrum in `#farSpectra`, refreshed per use. */
  readonly #offsets: Int32Array;

  constructor(blockSize: number, partitions: number) {
    const b = blockSize;
    this.blockSize = b;
    this.partitions = partitions;
    this.spectrumLength = 2 * b + 2;
    this.fft = new RealFft(2 * b);
    this.time = new Float32Array(2 * b);
    this.#farWindow = new Float32Array(2 * b);
    this.#farSpectra = new Float32Array(partitions * this.spectrumLength);
    this.background = new Float32Array(partitions * this.spectrumLength);
    this.foreground = new Float32Array(partitions * this.spectrumLength);
    for (let j = 0; j < partitions; j++) this.#backgroundPartitions.push(this.background.subarray(j * this.spectrumLength, (j + 1) * this.spectrumLength));
    this.#spectrum = new Float32Array(this.spectrumLength);
    this.#fgSum = new Float64Array(this.spectrumLength);
    this.#bgSum = new Float64Array(this.spectrumLength);
    this.#offsets = new Int32Array(partitions);
  }

  /** Clears both filters (keeps the far-end history). */
  clearFilters(): void {
    this.background.fill(0);
    this.foreground.fill(0);
  }

  /** Clears filters and far-end history. */
  reset(): void {
    this.clearFilters();
    this.#farWindow.fill(0);
    this.#farSpectra.fill(0);
    this.#head = 0;
  }

  /** Appends a far-end block (B samples) and transforms the new 2B window. */
  pushFar(far: Float32Array): void {
    const b = this.blockSize;
    const window = this.#farWindow;
    window.copyWithin(0, b);
    window.set(far, b);
    this.#head = (this.#head + this.partitions - 1) % this.partitions;
    this.fft.forward(window, this.#spectrum);
    this.#farSpectra.set(this.#spectrum, this.#head * this.spectrumLength);
  }

  /** |X_k|² of the newest far-end spectrum, bin `k`. */
  farPower(k: number): number {
    const base = this.#head * this.spectrumLength + 2 * k;
    return (this.#farSpectra[base] as number) ** 2 + (this.#farSpectra[base + 1] as number) ** 2;
  }

  /**
   * Echo estimates of the foreground and the background filter in one pass
   * over the far-end spectra (overlap-save: the last B samples of each
   * inverse transform). Bins outer, partitions inner: the four sums stay in
   * registers (a third faster than partition-by-partition accumulation).
   */
  filterBoth(fgOut: Float32Array, bgOut: Float32Array): void {
    const m = this.partitions;
    const len = this.spectrumLength;
    const x = this.#farSpectra;
    const fg = this.foreground;
    const bg = this.background;
    const fgSum = this.#fgSum;
    const bgSum = this.#bgSum;
    const offsets = this.#offsets;
    for (let j = 0; j < m; j++) offsets[j] = ((this.#head + j) % m) * len;
    for (let k = 0; k < len; k += 2) {
      let fr = 0;
      let fi = 0;
      let br = 0;
      let bi = 0;
      for (let j = 0, w = k; j < m; j++, w += len) {
        const at = (offsets[j] as number) + k;
        const xr = x[at] as number;
        const xi = x[at + 1] as number;
        let wr = fg[w] as number;
        let wi = fg[w + 1] as number;
        fr += xr * wr - xi * wi;
        fi += xr * wi + xi * wr;
        wr = bg[w] as number;
        wi = bg[w + 1] as number;
        br += xr * wr - xi * wi;
        bi += xr * wi + xi * wr;
      }
      fgSum[k] = fr;
      fgSum[k + 1] = fi;
      bgSum[k] = br;
      bgSum[k + 1] = bi;
    }
    this.#inverseTail(fgSum, fgOut);
    this.#inverseTail(bgSum, bgOut);
  }

  /** W_j += step_k·prop_j·conj(X_j)·E on the background filter, every partition. */
  gradientStep(error: Float32Array, step: Float32Array, prop: Float32Array): void {
    const m = this.partitions;
    const len = this.spectrumLength;
    const x = this.#farSpectra;
    const w = this.background;
    const offsets = this.#offsets;
    for (let j = 0; j < m; j++) offsets[j] = ((this.#head + j) % m) * len;
    for (let k = 0; k < len; k += 2) {
      const mu = step[k >> 1] as number;
      const er = (error[k] as number) * mu;
      const ei = (error[k + 1] as number) * mu;
      for (let j = 0, at = k; j < m; j++, at += len) {
        const p = prop[j] as number;
        const xAt = (offsets[j] as number) + k;
        const xr = x[xAt] as number;
        const xi = x[xAt + 1] as number;
        w[at] = (w[at] as number) + p * (xr * er + xi * ei);
        w[at + 1] = (w[at + 1] as number) + p * (xr * ei - xi * er);
      }
    }
  }

  /** Keeps background partition `j` a linear (not circular) convolution: zero the second half of its impulse response. */
  constrain(j: number): void {
    const view = this.#backgroundPartitions[j];
    if (view === undefined) return;
    this.fft.inverse(view, this.time);
    this.time.fill(0, this.blockSize);
    this.fft.forward(this.time, view);
  }

  /** Σ|W|² of background partition `j` (∝ its impulse response energy, Parseval). */
  partitionEnergy(j: number): number {
    const w = this.background;
    let energy = 0;
    for (let k = j * this.spectrumLength; k < (j + 1) * this.spectrumLength; k++) energy += (w[k] as number) ** 2;
    return energy;
  }

  /**
   * Moves both filters by `blocks` partitions because the far-end alignment
   * moved by `blocks`·B samples (positive: the reference is now delayed more,
   * so every tap comes `blocks` partitions earlier). Call `loadHistory` after.
   */
  shift(blocks: number): void {
    const m = this.partitions;
    const len = this.spectrumLength;
    for (const filter of [this.background, this.foreground]) {
      if (blocks > 0) {
        filter.copyWithin(0, Math.min(m, blocks) * len);
        filter.fill(0, Math.max(0, m - blocks) * len);
      } else if (blocks < 0) {
        filter.copyWithin(Math.min(m, -blocks) * len, 0, Math.max(0, m + blocks) * len);
        filter.fill(0, 0, Math.min(m, -blocks) * len);
      }
    }
  }

  /**
   * Rebuilds the far-end spectra after a realignment: `window(age, out)` fills
   * `out` (2B samples) with the reference window that ended `age` blocks ago.
   */
  loadHistory(window: (age: number, out: Float32Array) => void): void {
    const len = this.spectrumLength;
    for (let age = this.partitions - 1; age >= 0; age--) {
      window(age, this.time);
      this.fft.forward(this.time, this.#spectrum);
      this.#farSpectra.set(this.#spectrum, age * len);
    }
    this.#head = 0;
    window(0, this.#farWindow);
  }

  /** The last B samples of the inverse transform of `sum`. */
  #inverseTail(sum: Float64Array, out: Float32Array): void {
    const spectrum = this.#spectrum;
    for (let k = 0; k < sum.length; k++) spectrum[k] = sum[k] as number;
    this.fft.inverse(spectrum, this.time);
    const b = this.blockSize;
    for (let i = 0; i < b; i++) out[i] = this.time[b + i] as number;
  }
}
