/**
 * Linear prediction: windowed autocorrelation and Levinson–Durbin, with the
 * usual conditioning (lag window ≈ 60 Hz Gaussian bandwidth expansion and a
 * −40 dB white-noise floor, as in G.729 §3.2) so the all-pole fit stays
 * stable on tones and silence. Convention: A(z) = 1 + Σ a_j z^−j, residual
 * e[n] = x[n] + Σ a_j x[n−j], synthesis y[n] = e[n] − Σ a_j y[n−j].
 * Nothing here allocates after construction.
 */

/** LPC order for a sample rate: 2 + fs/1000 (10 at 8 kHz, 18 at 16 kHz), capped at 28 for 48 kHz (cost). */
export function lpcOrder(sampleRate: number): number {
  return Math.min(28, 2 + Math.round(sampleRate / 1000));
}

/**
 * Asymmetric analysis window ending at the newest sample (no look-ahead):
 * the rising half of a Hann window over 3/4 of the length, a quarter cosine
 * down over the last quarter (the shape of G.729's LPC window).
 */
export function asymmetricWindow(length: number): Float64Array {
  const w = new Float64Array(length);
  const rise = Math.round(length * 0.75);
  const fall = length - rise;
  for (let i = 0; i < rise; i++) w[i] = 0.54 - 0.46 * Math.cos((Math.PI * i) / (rise - 1));
  for (let i = 0; i < fall; i++) w[rise + i] = Math.cos((Math.PI * 0.5 * (i + 1)) / (fall + 1));
  return w;
}

/** Gaussian lag window for bandwidth expansion of `bandwidthHz`, lags 0..order. */
export function lagWindow(order: number, sampleRate: number, bandwidthHz = 60): Float64Array {
  const w = new Float64Array(order + 1);
  for (let k = 0; k <= order; k++) {
    const x = (2 * Math.PI * bandwidthHz * k) / sampleRate;
    w[k] = Math.exp(-0.5 * x * x);
  }
  return w;
}

/** White-noise correction: R(0) is multiplied by this (−40 dB floor). */
export const WHITE_NOISE_CORRECTION = 1.0001;
/** Below this R(0) (mean square of a windowed near-silent block) the predictor is left flat. */
const SILENCE_R0 = 1e-3;

/**
 * Levinson–Durbin: fills `a[0..order]` (a[0] = 1) from autocorrelation `r[0..order]`.
 * Returns the prediction error power (0 when the input was silent: `a` is then flat).
 * `scratch` needs order + 1 entries.
 */
export function levinson(r: Float64Array, order: number, a: Float64Array, scratch: Float64Array): number {
  a.fill(0, 0, order + 1);
  a[0] = 1;
  let error = r[0] ?? 0;
  if (!(error > SILENCE_R0)) return 0;
  for (let m = 1; m <= order; m++) {
    let acc = r[m] ?? 0;
    for (let j = 1; j < m; j++) acc += (a[j] as number) * (r[m - j] as number);
    const k = -acc / error;
    if (!(Math.abs(k) < 1)) break; // numerically unstable: keep the lower order fit
    for (let j = 1; j < m; j++) scratch[j] = a[j] as number;
    for (let j = 1; j < m; j++) a[j] = (scratch[j] as number) + k * (scratch[m - j] as number);
    a[m] = k;
    error *= 1 - k * k;
  }
  return error;
}

/**
 * Autocorrelation of `window`-weighted samples `ring[(end − L) .. end)` (a ring with `mask`),
 * lags 0..order, conditioned with `lag` and the white-noise correction. `buffer` needs L entries.
 */
export function windowedAutocorrelation(
  ring: Float64Array,
  mask: number,
  end: number,
  window: Float64Array,
  buffer: Float64Array,
  order: number,
  lag: Float64Array,
  r: Float64Array,
): void {
  const length = window.length;
  const start = end - length;
  for (let i = 0; i < length; i++) buffer[i] = (ring[(start + i) & mask] as number) * (window[i] as number);
  for (let k = 0; k <= order; k++) {
    let acc = 0;
    for (let i = k; i < length; i++) acc += (buffer[i] as number) * (buffer[i - k] as number);
    r[k] = acc * (lag[k] ?? 0);
  }
  r[0] = (r[0] ?? 0) * WHITE_NOISE_CORRECTION;
}
