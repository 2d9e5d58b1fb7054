/**
 * Pitch-synchronous time compression and stretching (the overlap-add kernels
 * of NetEq's Accelerate and PreemptiveExpand): one pitch period is removed
 * from, or repeated in, the start of a block of PCM with a linear cross-fade,
 * so voiced speech keeps its waveform and only gets a period shorter/longer.
 * The period is the lag of highest normalised correlation between the first
 * two periods, searched on a ~4 kHz decimation and refined at the full rate.
 * A block that is neither periodic enough nor quiet is left alone (the caller
 * tries again on the next frame): the point is speech-safe edits only.
 */

/** Pitch search range: 66–400 Hz. */
const MIN_PERIOD_MS = 2.5;
const MAX_PERIOD_MS = 15;
/** Below this correlation a splice would be audible in voiced speech. */
const MIN_CORRELATION = 0.6;
/** Blocks quieter than this (RMS) can be spliced anywhere. */
const QUIET_RMS = 150;
const SEARCH_RATE = 4000;

export class TimeStretcher {
  readonly minPeriod: number;
  readonly maxPeriod: number;
  readonly #step: number;

  constructor(sampleRate: number) {
    this.minPeriod = Math.round((sampleRate * MIN_PERIOD_MS) / 1000);
    this.maxPeriod = Math.round((sampleRate * MAX_PERIOD_MS) / 1000);
    this.#step = Math.max(1, Math.round(sampleRate / SEARCH_RATE));
  }

  /**
   * Removes one period (at most `maxRemove` samples) from `buf[at .. at+len)`
   * in place; returns the samples removed (0: no safe splice).
   */
  accelerate(buf: Int16Array, at: number, len: number, maxRemove: number): number {
    const period = this.#splicePeriod(buf, at, Math.min(len, 2 * maxRemove));
    if (period === 0) return 0;
    // out[i] = fade(in[i] → in[i+P]) over one period, then the rest shifted down by P.
    for (let i = 0; i < period; i++) {
      const w = (i + 1) / (period + 1);
      buf[at + i] = Math.round((buf[at + i] ?? 0) * (1 - w) + (buf[at + period + i] ?? 0) * w);
    }
    buf.copyWithin(at + period, at + 2 * period, at + len);
    return period;
  }

  /**
   * Repeats one period at the start of `buf[at .. at+len)` in place; `buf`
   * must have room for `len + maxPeriod` from `at`. Returns the samples added
   * (0: no safe splice).
   */
  expand(buf: Int16Array, at: number, len: number): number {
    const period = this.#splicePeriod(buf, at, len);
    if (period === 0) return 0;
    // in[0..P) | fade(in[P..2P) → in[0..P)) | in[P..len): one period longer, continuous at both seams.
    buf.copyWithin(at + 2 * period, at + period, at + len);
    for (let i = 0; i < period; i++) {
      const w = (i + 1) / (period + 1);
      buf[at + period + i] = Math.round((buf[at + 2 * period + i] ?? 0) * (1 - w) + (buf[at + i] ?? 0) * w);
    }
    return period;
  }

  /** The pitch period to splice on, or 0 when the block is neither periodic nor quiet. */
  #splicePeriod(buf: Int16Array, at: number, len: number): number {
    const maxLag = Math.min(this.maxPeriod, len >> 1);
    if (maxLag < this.minPeriod) return 0;
    let energy = 0;
    for (let i = 0; i < 2 * maxLag; i++) energy += (buf[at + i] ?? 0) ** 2;
    if (Math.sqrt(energy / (2 * maxLag)) < QUIET_RMS) return Math.min(maxLag, this.minPeriod * 4);
    const step = this.#step;
    let best = 0;
    let bestScore = -1;
    for (let lag = this.minPeriod; lag <= maxLag; lag += step) {
      const score = this.#correlation(buf, at, lag, step);
      if (score > bestScore) {
        bestScore = score;
        best = lag;
      }
    }
    // Refine around the coarse lag at the full rate.
    for (let lag = Math.max(this.minPeriod, best - step + 1); lag <= Math.min(maxLag, best + step - 1); lag++) {
      const score = this.#correlation(buf, at, lag, 1);
      if (score > bestScore) {
        bestScore = score;
        best = lag;
      }
    }
    return bestScore >= MIN_CORRELATION ? best : 0;
  }

  /** Normalised correlation of buf[at..at+lag) with buf[at+lag..at+2lag), sampled every `step`. */
  #correlation(buf: Int16Array, at: number, lag: number, step: number): number {
    let xy = 0;
    let xx = 0;
    let yy = 0;
    for (let i = 0; i < lag; i += step) {
      const x = buf[at + i] ?? 0;
      const y = buf[at + lag + i] ?? 0;
      xy += x * y;
      xx += x * x;
      yy += y * y;
    }
    return xx > 0 && yy > 0 ? xy / Math.sqrt(xx * yy) : 0;
  }
}
