/**
 * Generic packet-loss concealment for codecs without their own (G.711, G.722),
 * in the spirit of ITU-T G.711 Appendix I (09/1999), "A high quality
 * low-complexity algorithm for packet loss concealment with G.711":
 *
 * - At the start of a loss the pitch period P of the last audio is found by
 *   normalised cross-correlation (coarse on a ~4 kHz decimated copy, refined
 *   at full rate; 2.5–15 ms).
 * - The hole is filled by cycling the last period; from 10 ms into the loss
 *   the last two periods, from 20 ms the last three (so a long loss does not
 *   buzz). The cycle's wrap point is overlap-added over P/4 with the samples
 *   that led into its first sample, so the repetition is seamless.
 * - The synthetic signal fades linearly to silence at `fadeMs` (60 ms).
 * - When audio returns (`resume`) and the junction is not already
 *   continuous, its first P/4 is overlap-added with the continuing synthetic
 *   signal: no click. (`observe` takes returning audio as it is.)
 *
 * Where we depart from Appendix I, and why:
 * - No 3.75 ms output delay (the media path cannot add one), so the start of
 *   a loss is not cross-faded into the history; the correlation-chosen period
 *   keeps that junction close to continuous.
 * - Level: Appendix I holds full level for 10 ms. Here the concealment starts
 *   at the normalised pitch correlation ρ (0.5..1: how well the last period
 *   predicts the next) and fades from the first sample; a history that is not
 *   periodic (ρ < 0.5: noise, fricatives) is continued in 15 ms pieces at 30%
 *   level. A waveform guess that decorrelates from the truth adds error
 *   energy; scaling it by its expected correlation is what makes the
 *   concealed frames' segmental SNR beat silence (test/dsp/plc.test.ts).
 * - The merge is skipped when the returning audio already continues the
 *   concealment (jump at the junction within 4× the local sample-to-sample
 *   change): cross-fading then would only blur good audio.
 * - The merge is always P/4 long. Appendix I lengthens it by 4 ms per 10 ms
 *   of loss beyond the first (at most 10 ms). Here the concealment fades
 *   from its first sample, so after a long loss the merge is mostly a
 *   fade-in of the returning audio, which P/4 does without a click; a longer
 *   cross-fade would replace more good audio with a guess. The jitter
 *   buffer's test bounds the junction (a cosine returning at its peak after
 *   40 ms: no step above 1.5× the cosine's own largest step).
 *
 * A pure processor: no timers; no allocation after construction.
 */

/** Concealment is silent this long after a loss starts (Appendix I: 60 ms). */
export const DEFAULT_FADE_MS = 60;
/** The cycle grows to two periods at 10 ms and three at 20 ms into a loss. */
const GROW_EVERY_MS = 10;
const MAX_PERIODS = 3;
/** Pitch search range: 66 .. 400 Hz voices. */
const MIN_PITCH_HZ = 66;
const MAX_PITCH_HZ = 400;
/** The coarse pitch search runs at about this rate. */
const COARSE_RATE = 4000;
/** Below this normalised correlation the history is not periodic. */
const VOICED_CORRELATION = 0.5;
/** Level of the concealment of a non-periodic history. */
const UNVOICED_GAIN = 0.3;
/** No merge when the junction jump is within this many times the returning audio's mean sample-to-sample change. */
const CONTINUOUS_JUMP = 4;

export interface PlcOptions {
  readonly sampleRate: number;
  readonly fadeMs?: number;
}

export class PacketLossConcealer {
  /** Audio that was played, newest last (decoded frames after any merge, and concealment). */
  readonly #history: Int16Array;
  #filled = 0;
  readonly #rate: number;
  readonly #minLag: number;
  readonly #maxLag: number;
  readonly #decimation: number;
  readonly #fadeSamples: number;
  readonly #growSamples: number;
  /** The history as it was when the loss started (the cycle is always built from it). */
  readonly #source: Int16Array;
  #sourceFilled = 0;
  /** The cycled waveform: `#periods` periods of `#period` samples, wrap point smoothed. */
  readonly #cycle: Float32Array;
  /** Normalised correlation of the last `#correlate` call's best lag. */
  #bestScore = 0;
  /** Starting level of the current concealment (ρ, or `UNVOICED_GAIN`). */
  #level = 0;
  /** Samples concealed in the current loss; -1 when audio is playing. */
  #concealed = -1;
  #period = 0;
  #periods = 1;
  #position = 0;
  /** Samples of returning audio still to merge, and the merge length. */
  #mergeLeft = 0;
  #mergeLength = 0;

  constructor(options: PlcOptions) {
    const rate = options.sampleRate;
    this.#rate = rate;
    this.#minLag = Math.floor(rate / MAX_PITCH_HZ);
    this.#maxLag = Math.ceil(rate / MIN_PITCH_HZ);
    this.#decimation = Math.max(1, Math.round(rate / COARSE_RATE));
    this.#fadeSamples = Math.max(1, Math.round((rate * (options.fadeMs ?? DEFAULT_FADE_MS)) / 1000));
    this.#growSamples = Math.round((rate * GROW_EVERY_MS) / 1000);
    // Three periods plus the quarter period before them (the wrap blend); the pitch search needs two periods.
    this.#history = new Int16Array(Math.ceil((MAX_PERIODS + 0.25) * this.#maxLag) + 1);
    this.#source = new Int16Array(this.#history.length);
    this.#cycle = new Float32Array(MAX_PERIODS * this.#maxLag);
  }

  /**
   * Feeds audio that was played as is (decoded), so a later loss can be
   * concealed from it. Ends a loss without touching `pcm`.
   */
  observe(pcm: Int16Array, offset = 0, length = pcm.length - offset): void {
    this.#concealed = -1;
    this.#mergeLeft = 0;
    this.#remember(pcm, offset, length);
  }

  /**
   * Like `observe`, for audio that is about to be played: if a loss was being
   * concealed, the start of `pcm` is cross-faded in place from the continuing
   * concealment (the Appendix I merge), so pass the buffer that will play.
   */
  resume(pcm: Int16Array, offset = 0, length = pcm.length - offset): void {
    if (this.#concealed >= 0 && this.#mergeLeft === 0) this.#startMerge(pcm, offset, length);
    if (this.#mergeLeft > 0) this.#merge(pcm, offset, length);
    this.#remember(pcm, offset, length);
  }

  /** Writes `count` concealment samples at `out[offset]`; successive calls continue the same loss. */
  conceal(out: Int16Array, offset: number, count: number): void {
    if (this.#concealed < 0) this.#startLoss();
    for (let i = 0; i < count; i++) out[offset + i] = Math.round(this.#next());
    this.#remember(out, offset, count);
  }

  /** Forgets history (stream restart, codec change). */
  reset(): void {
    this.#history.fill(0);
    this.#filled = 0;
    this.#concealed = -1;
    this.#period = 0;
    this.#mergeLeft = 0;
  }

  #remember(pcm: Int16Array, offset: number, length: number): void {
    const history = this.#history;
    const keep = Math.max(0, history.length - length);
    if (keep > 0) history.copyWithin(0, history.length - keep);
    // Copy by hand: a subarray view per call would allocate per frame.
    const from = offset + length - (history.length - keep);
    for (let i = keep; i < history.length; i++) history[i] = pcm[from + i - keep] ?? 0;
    this.#filled = Math.min(history.length, this.#filled + length);
  }

  #startLoss(): void {
    this.#concealed = 0;
    this.#mergeLeft = 0;
    this.#source.set(this.#history);
    this.#sourceFilled = this.#filled;
    this.#period = this.#findPeriod();
    this.#periods = 1;
    this.#position = 0;
    if (this.#period > 0) this.#buildCycle();
  }

  /** The next concealment sample (before rounding). */
  #next(): number {
    const n = this.#concealed++;
    const period = this.#period;
    if (period === 0 || n >= this.#fadeSamples) return 0;
    const sample = (this.#cycle[this.#position] as number) * this.#gain(n);
    if (++this.#position === this.#periods * period) {
      this.#position = 0;
      // Grow at a cycle boundary: the sample at 0 of the old cycle sits P later in the new one, so the switch is seamless.
      const wanted = Math.min(MAX_PERIODS, 1 + Math.floor(n / this.#growSamples));
      if (wanted > this.#periods && (wanted + 0.25) * period + 1 <= this.#sourceFilled) {
        this.#position = (wanted - this.#periods) * period;
        this.#periods = wanted;
        this.#buildCycle();
      }
    }
    return sample;
  }

  /** Level `n` samples into the loss: the starting level, fading linearly to 0 at `fadeMs`. */
  #gain(n: number): number {
    return this.#level * (1 - n / this.#fadeSamples);
  }

  /** The sample `#next()` would return, without advancing. */
  #peek(): number {
    const n = this.#concealed;
    if (this.#period === 0 || n >= this.#fadeSamples) return 0;
    return (this.#cycle[this.#position] as number) * this.#gain(n);
  }

  /** The last `periods` periods of history, with the last quarter period blended towards the samples before the first. */
  #buildCycle(): void {
    const history = this.#source;
    const end = history.length;
    const length = this.#periods * this.#period;
    const start = end - length;
    const overlap = Math.min(Math.max(1, Math.floor(this.#period / 4)), Math.max(0, this.#sourceFilled - length));
    for (let i = 0; i < length; i++) this.#cycle[i] = history[start + i] as number;
    for (let j = 0; j < overlap; j++) {
      const i = length - overlap + j;
      const w = (j + 1) / (overlap + 1);
      this.#cycle[i] = (1 - w) * (history[start + i] as number) + w * (history[start + i - length] as number);
    }
  }

  /** Decides how much of the returning audio to merge: P/4, or nothing when the junction is continuous or nothing plays. */
  #startMerge(pcm: Int16Array, offset: number, length: number): void {
    const period = this.#period;
    this.#mergeLength = 0;
    if (period > 0 && this.#concealed < this.#fadeSamples && length > 1) {
      const n = Math.min(length - 1, Math.max(2, Math.floor(period / 4)));
      let activity = 0;
      for (let i = 0; i < n; i++) activity += Math.abs((pcm[offset + i + 1] as number) - (pcm[offset + i] as number));
      const jump = Math.abs((pcm[offset] as number) - this.#peek());
      if (jump > (CONTINUOUS_JUMP * activity) / n) this.#mergeLength = Math.max(1, Math.floor(period / 4));
    } else if (period > 0 && length > 1) {
      // The concealment had faded out: fade the audio back in over the same length.
      this.#mergeLength = Math.max(1, Math.floor(period / 4));
    }
    this.#mergeLeft = this.#mergeLength;
    // The concealment keeps running (for the merge) until the merge is done.
    if (this.#mergeLength === 0) this.#concealed = -1;
  }

  /** Cross-fades the returning audio in from the continuing concealment. */
  #merge(pcm: Int16Array, offset: number, length: number): void {
    const done = this.#mergeLength - this.#mergeLeft;
    const n = Math.min(length, this.#mergeLeft);
    for (let i = 0; i < n; i++) {
      const w = (done + i + 1) / (this.#mergeLength + 1);
      const mixed = w * (pcm[offset + i] as number) + (1 - w) * this.#next();
      pcm[offset + i] = Math.max(-32768, Math.min(32767, Math.round(mixed)));
    }
    this.#mergeLeft -= n;
    if (this.#mergeLeft === 0) this.#concealed = -1;
  }

  /**
   * Pitch period (samples) of the history's tail, and the concealment's
   * starting level (`#level`): the correlation when periodic; otherwise a
   * 15 ms stand-in at `UNVOICED_GAIN`. 0 with no history.
   */
  #findPeriod(): number {
    const filled = this.#filled;
    const max = this.#maxLag;
    this.#level = UNVOICED_GAIN;
    if (filled === 0) return 0;
    if (filled < 2 * max) return Math.min(filled, max);
    const d = this.#decimation;
    const coarse = this.#correlate(Math.ceil(this.#minLag / d) * d, max, d, d);
    if (coarse === 0) return max;
    const fine = this.#correlate(Math.max(this.#minLag, coarse - d), Math.min(max, coarse + d), 1, 1);
    if (this.#bestScore < VOICED_CORRELATION) return max;
    this.#level = Math.min(1, this.#bestScore);
    return fine;
  }

  /**
   * The lag (stepping by `step`, samples by `stride`) at which the last
   * `maxLag` samples best match themselves that much earlier, by normalised
   * correlation (left in `#bestScore`); 0 when nothing correlates.
   */
  #correlate(fromLag: number, toLag: number, step: number, stride: number): number {
    const history = this.#history;
    const end = history.length;
    const window = this.#maxLag;
    let energyTail = 0;
    for (let i = end - window; i < end; i += stride) energyTail += (history[i] as number) ** 2;
    let bestLag = 0;
    this.#bestScore = 0;
    if (energyTail === 0) return 0;
    for (let lag = fromLag; lag <= toLag; lag += step) {
      let cross = 0;
      let energyLagged = 0;
      for (let i = end - window; i < end; i += stride) {
        const lagged = history[i - lag] as number;
        cross += (history[i] as number) * lagged;
        energyLagged += lagged * lagged;
      }
      if (energyLagged === 0) continue;
      const score = cross / Math.sqrt(energyTail * energyLagged);
      if (score > this.#bestScore) {
        this.#bestScore = score;
        bestLag = lag;
      }
    }
    return bestLag;
  }
}
