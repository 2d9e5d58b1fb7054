/**
 * Comfort noise: a generator of noise at a given level (and, optionally, a
 * spectral shape), an analyser that describes a stretch of background noise,
 * and the RFC 3389 "CN" payload that carries that description.
 *
 * Model (RFC 3389 §3, after G.711 Appendix II): white noise through an
 * all-pole filter 1/A(z), A(z) = 1 + Σ a_j·z^−j, described by reflection
 * coefficients k_1..k_M (|k| < 1, so the filter is stable) and a level in
 * −dBov. Conventions are those of WebRTC's CNG, which interoperates with
 * the deployed payloads: Levinson–Durbin gives k_1 = −R(1)/R(0) and the
 * step-up recursion a_i^(m) = a_i^(m−1) + k_m·a_(m−i)^(m−1); each k travels as
 * one byte q = round(128·k) + 127 (k = (q − 127)/128).
 *
 * Levels are dBov as in RFC 3389 and RFC 6464: 0 dBov is the overload point
 * (a full-scale square wave, mean square 32768²), so a full-scale sine is
 * −3 dBov. The filter's power gain 1/Π(1 − k²) is divided out, so the output
 * has the requested level whatever the shape.
 *
 * A pure processor: `fill()` allocates nothing.
 */

const FULL_SCALE = 32768;
/** RFC 3389: the level byte is −dBov, 0..127. */
export const CN_MAX_ATTENUATION_DB = 127;
/** Order of the spectral model the analyser fits (G.711 App. II suggests up to 10). */
export const DEFAULT_CN_ORDER = 8;
/** Longest model the generator accepts (the output ring holds that many past samples). */
const MAX_ORDER = 16;
const HISTORY_MASK = 15;
/** A sum of two U(0,1) has variance 1/6: this makes it 1. */
const EXCITATION_SCALE = Math.sqrt(6);
/** Reflection coefficients are kept inside ±REFLECTION_LIMIT (the byte code cannot say ±1 anyway). */
const REFLECTION_LIMIT = 0.99;

export interface ComfortNoiseParameters {
  /** Noise level, dBov (−127..0). */
  readonly levelDbov: number;
  /** Reflection coefficients k_1..k_M of the all-pole shape (empty: white). */
  readonly reflection: readonly number[];
}

export interface ComfortNoiseOptions {
  readonly sampleRate: number;
  /** Initial level, dBov (default −70). */
  readonly levelDbov?: number;
  /** Seed of the noise (default 1), for reproducible output. */
  readonly seed?: number;
}

export class ComfortNoiseGenerator {
  readonly sampleRate: number;
  readonly #lpc = new Float64Array(MAX_ORDER + 1);
  /** Ring of the last `HISTORY_MASK + 1` outputs; `#at` is where the next goes. */
  readonly #history = new Float64Array(HISTORY_MASK + 1);
  #at = 0;
  #order = 0;
  #gain = 0;
  #levelDbov = -70;
  /** xorshift32 state (never 0). */
  #state: number;

  constructor(options: ComfortNoiseOptions) {
    this.sampleRate = options.sampleRate;
    this.#state = (options.seed ?? 1) >>> 0 || 1;
    this.set({ levelDbov: options.levelDbov ?? -70, reflection: [] });
  }

  get levelDbov(): number {
    return this.#levelDbov;
  }

  /** New level and shape (from an RFC 3389 payload or `analyseComfortNoise`); takes effect at the next sample. */
  set(parameters: ComfortNoiseParameters): void {
    const order = Math.min(MAX_ORDER, parameters.reflection.length);
    const lpc = this.#lpc;
    lpc.fill(0);
    lpc[0] = 1;
    let powerGain = 1;
    // Step-up recursion from reflection coefficients to A(z).
    for (let m = 1; m <= order; m++) {
      const k = Math.max(-REFLECTION_LIMIT, Math.min(REFLECTION_LIMIT, parameters.reflection[m - 1] ?? 0));
      for (let i = 1; i <= Math.floor(m / 2); i++) {
        const a = lpc[i] as number;
        const b = lpc[m - i] as number;
        lpc[i] = a + k * b;
        if (i !== m - i) lpc[m - i] = b + k * a;
      }
      lpc[m] = k;
      powerGain /= 1 - k * k;
    }
    this.#order = order;
    this.#levelDbov = Math.max(-CN_MAX_ATTENUATION_DB, Math.min(0, parameters.levelDbov));
    const meanSquare = FULL_SCALE * FULL_SCALE * 10 ** (this.#levelDbov / 10);
    // Unit-variance excitation through 1/A(z) has variance powerGain.
    this.#gain = Math.sqrt(meanSquare / powerGain);
  }

  /** Writes `count` samples of comfort noise at `out[offset]`. */
  fill(out: Int16Array, offset = 0, count = out.length - offset): void {
    const lpc = this.#lpc;
    const history = this.#history;
    const order = this.#order;
    const gain = this.#gain * EXCITATION_SCALE;
    let state = this.#state;
    let at = this.#at;
    for (let i = 0; i < count; i++) {
      // Two xorshift32 uniforms summed: a triangular excitation of mean 0 (its variance is scaled to 1).
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      const u1 = (state >>> 0) / 4294967296;
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      const u2 = (state >>> 0) / 4294967296;
      let y = gain * (u1 + u2 - 1);
      // 1/A(z) on a ring of the last outputs: y[n] −= a_j·y[n−j].
      for (let j = 1; j <= order; j++) y -= (lpc[j] as number) * (history[(at - j) & HISTORY_MASK] as number);
      history[at & HISTORY_MASK] = y;
      at = (at + 1) & HISTORY_MASK;
      out[offset + i] = y > 32767 ? 32767 : y < -32768 ? -32768 : Math.round(y);
    }
    this.#state = state >>> 0 || 1;
    this.#at = at;
  }
}

/**
 * Describes `pcm` (a stretch of background noise) for comfort noise: its
 * level and an order-`order` all-pole shape by autocorrelation and
 * Levinson–Durbin (with a slight lag window for numerical safety).
 */
export function analyseComfortNoise(pcm: Int16Array, order = DEFAULT_CN_ORDER): ComfortNoiseParameters {
  const n = pcm.length;
  const r = new Float64Array(order + 1);
  for (let lag = 0; lag <= order; lag++) {
    let sum = 0;
    for (let i = lag; i < n; i++) sum += (pcm[i] as number) * (pcm[i - lag] as number);
    r[lag] = sum;
  }
  const meanSquare = n > 0 ? (r[0] as number) / n : 0;
  const levelDbov = meanSquare > 0 ? Math.max(-CN_MAX_ATTENUATION_DB, 10 * Math.log10(meanSquare / (FULL_SCALE * FULL_SCALE))) : -CN_MAX_ATTENUATION_DB;
  if ((r[0] as number) <= 0) return { levelDbov, reflection: [] };
  // White-noise correction (40 dB below) and a Gaussian lag window of ~60 Hz at 8 kHz keep the recursion well-conditioned.
  r[0] = (r[0] as number) * 1.0001;
  for (let lag = 1; lag <= order; lag++) r[lag] = (r[lag] as number) * Math.exp(-0.5 * (0.0471 * lag) ** 2);
  return { levelDbov, reflection: levinsonReflection(r, order) };
}

/** Reflection coefficients of the autocorrelation `r` (Levinson–Durbin, WebRTC sign convention). */
function levinsonReflection(r: Float64Array, order: number): number[] {
  const a = new Float64Array(order + 1);
  const next = new Float64Array(order + 1);
  a[0] = 1;
  let error = r[0] as number;
  const reflection: number[] = [];
  for (let m = 1; m <= order && error > 0; m++) {
    let acc = r[m] as number;
    for (let i = 1; i < m; i++) acc += (a[i] as number) * (r[m - i] as number);
    const k = Math.max(-REFLECTION_LIMIT, Math.min(REFLECTION_LIMIT, -acc / error));
    reflection.push(k);
    next.set(a);
    for (let i = 1; i < m; i++) next[i] = (a[i] as number) + k * (a[m - i] as number);
    next[m] = k;
    a.set(next);
    error *= 1 - k * k;
  }
  return reflection;
}

/** The RFC 3389 payload for `parameters` (level byte, then one byte per coefficient). */
export function encodeComfortNoise(parameters: ComfortNoiseParameters): Uint8Array {
  const out = new Uint8Array(1 + parameters.reflection.length);
  out[0] = Math.max(0, Math.min(CN_MAX_ATTENUATION_DB, Math.round(-parameters.levelDbov)));
  parameters.reflection.forEach((k, i) => {
    out[i + 1] = Math.max(0, Math.min(254, Math.round(128 * k) + 127));
  });
  return out;
}

/** Parameters from an RFC 3389 payload; null when it is empty. The level byte's unused top bit is ignored. */
export function decodeComfortNoise(payload: Uint8Array): ComfortNoiseParameters | null {
  if (payload.length === 0) return null;
  const reflection: number[] = [];
  for (let i = 1; i < payload.length; i++) reflection.push(((payload[i] as number) - 127) / 128);
  return { levelDbov: -((payload[0] as number) & 0x7f), reflection };
}
