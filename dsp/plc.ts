/**
 * Generic packet-loss concealment for codecs without their own (G.711 and
 * friends), in the spirit of ITU-T G.711 Appendix I: while audio plays, keep a
 * short history; when a packet is missing, repeat the last pitch period found
 * by autocorrelation (or the last 20 ms when the signal is not periodic), fading
 * linearly to silence over `fadeMs` (three frames), then silence.
 *
 * A pure processor: no timers, no allocation after construction.
 */

/** Concealment fades from full level to silence over this long. */
export const DEFAULT_FADE_MS = 60;
/** Pitch search range: 66 Hz .. 400 Hz voices. */
const MIN_PITCH_HZ = 66;
const MAX_PITCH_HZ = 400;
/** Below this normalised correlation the signal is treated as unvoiced (repeat the last frame). */
const VOICED_CORRELATION = 0.5;
const FALLBACK_PERIOD_MS = 20;

export interface PlcOptions {
  readonly sampleRate: number;
  readonly fadeMs?: number;
}

export class PacketLossConcealer {
  readonly #history: Int16Array;
  /** Samples of valid history (grows to history.length, then stays full). */
  #filled = 0;
  readonly #minLag: number;
  readonly #maxLag: number;
  readonly #fallbackPeriod: number;
  readonly #fadeSamples: number;
  /** Samples concealed since the last real audio; -1 when not concealing. */
  #concealed = -1;
  #period = 0;

  constructor(options: PlcOptions) {
    const rate = options.sampleRate;
    this.#minLag = Math.floor(rate / MAX_PITCH_HZ);
    this.#maxLag = Math.ceil(rate / MIN_PITCH_HZ);
    this.#fallbackPeriod = Math.round((rate * FALLBACK_PERIOD_MS) / 1000);
    this.#fadeSamples = Math.max(1, Math.round((rate * (options.fadeMs ?? DEFAULT_FADE_MS)) / 1000));
    // Room for the correlation window plus the largest lag, and for the fallback period.
    this.#history = new Int16Array(Math.max(2 * this.#maxLag, this.#fallbackPeriod) + this.#maxLag);
  }

  /** Feeds audio that was really played (decoded), so a later loss can be concealed from it. */
  observe(pcm: Int16Array, offset = 0, length = pcm.length - offset): void {
    this.#concealed = -1;
    const history = this.#history;
    const keep = Math.max(0, history.length - length);
    if (keep > 0) history.copyWithin(0, length);
    // Copy the newest samples by hand: a subarray view per call would allocate per frame.
    const from = offset + length - (history.length - keep);
    for (let i = keep; i < history.length; i++) history[i] = pcm[from + i - keep] ?? 0;
    this.#filled = Math.min(history.length, this.#filled + length);
  }

  /** Writes `count` concealment samples at `out[offset]`; successive calls continue the same loss. */
  conceal(out: Int16Array, offset: number, count: number): void {
    if (this.#concealed < 0) {
      this.#concealed = 0;
      this.#period = this.#findPeriod();
    }
    const history = this.#history;
    const period = this.#period;
    for (let i = 0; i < count; i++) {
      const n = this.#concealed++;
      if (period === 0 || n >= this.#fadeSamples) {
        out[offset + i] = 0;
        continue;
      }
      const source = history[history.length - period + (n % period)] ?? 0;
      out[offset + i] = Math.round(source * (1 - n / this.#fadeSamples));
    }
  }

  /** Forgets history (stream restart, codec change). */
  reset(): void {
    this.#history.fill(0);
    this.#filled = 0;
    this.#concealed = -1;
    this.#period = 0;
  }

  /** The pitch period (samples) of the history's tail, the fallback when unvoiced, 0 when no history. */
  #findPeriod(): number {
    const history = this.#history;
    const filled = this.#filled;
    if (filled === 0) return 0;
    const window = this.#maxLag;
    if (filled < window + this.#maxLag) return Math.min(filled, this.#fallbackPeriod);
    const end = history.length;
    let bestLag = 0;
    let bestScore = 0;
    let energyTail = 0;
    for (let i = end - window; i < end; i++) energyTail += (history[i] ?? 0) ** 2;
    if (energyTail === 0) return this.#fallbackPeriod;
    for (let lag = this.#minLag; lag <= this.#maxLag; lag++) {
      let cross = 0;
      let energyLagged = 0;
      for (let i = end - window; i < end; i++) {
        const lagged = history[i - lag] ?? 0;
        cross += (history[i] ?? 0) * lagged;
        energyLagged += lagged * lagged;
      }
      if (energyLagged === 0) continue;
      const score = cross / Math.sqrt(energyTail * energyLagged);
      if (score > bestScore) {
        bestScore = score;
        bestLag = lag;
      }
    }
    return bestScore >= VOICED_CORRELATION ? bestLag : this.#fallbackPeriod;
  }
}
