/**
 * Audio oracles for tests: tone generation and objective measures (level,
 * tone power, dominant frequency, SNR). Written independently of dsp/ so a
 * test never grades the code under test with that same code.
 *
 * Level convention (AES17): a full-scale sine reads 0 dBFS. A tone generated
 * at X dBFS has peak amplitude 32768·10^(X/20) and `levelDbfs` reads X back.
 */

const FULL_SCALE = 32768;

export interface ToneOptions {
  readonly frequency: number;
  /** Level of the tone in dBFS (0 = full-scale sine). */
  readonly dbfs: number;
  readonly sampleRate?: number;
  /** Length in milliseconds (rounded down to whole samples); ignored when `samples` is given. */
  readonly durationMs?: number;
  readonly samples?: number;
  /** Starting phase in radians. */
  readonly phase?: number;
}

/** A pure sine as 16-bit PCM, clamped to the Int16 range. */
export function generateTone(options: ToneOptions): Int16Array {
  const sampleRate = options.sampleRate ?? 8000;
  const length = options.samples ?? Math.floor(((options.durationMs ?? 1000) * sampleRate) / 1000);
  const amplitude = FULL_SCALE * 10 ** (options.dbfs / 20);
  const step = (2 * Math.PI * options.frequency) / sampleRate;
  const phase = options.phase ?? 0;
  const out = new Int16Array(length);
  for (let i = 0; i < length; i++) {
    out[i] = Math.max(-32768, Math.min(32767, Math.round(amplitude * Math.sin(phase + step * i))));
  }
  return out;
}

/** Root mean square of the samples (0 for an empty input). */
export function rms(pcm: Int16Array): number {
  if (pcm.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < pcm.length; i++) {
    const s = pcm[i] ?? 0;
    sum += s * s;
  }
  return Math.sqrt(sum / pcm.length);
}

/** Converts a mean-square power to dBFS (AES17); -Infinity for silence. */
export function powerToDbfs(meanSquare: number): number {
  return 10 * Math.log10((2 * meanSquare) / (FULL_SCALE * FULL_SCALE));
}

/** Level of the whole signal in dBFS (AES17). */
export function levelDbfs(pcm: Int16Array): number {
  const r = rms(pcm);
  return powerToDbfs(r * r);
}

/**
 * Power of the component at `frequency` (generalised Goertzel), normalised so
 * a sine of amplitude A at that frequency reads A²/2, i.e. its mean square.
 * Compare it with `rms(x)²` or pass it to `powerToDbfs`.
 */
export function goertzelPower(pcm: Int16Array, frequency: number, sampleRate: number): number {
  const n = pcm.length;
  if (n === 0) return 0;
  const coeff = 2 * Math.cos((2 * Math.PI * frequency) / sampleRate);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const s0 = (pcm[i] ?? 0) + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const magnitudeSquared = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  return (2 * magnitudeSquared) / (n * n);
}

/** Hann-windowed DTFT magnitude² at one frequency (window reduces leakage for the scan). */
function windowedPower(pcm: Int16Array, frequency: number, sampleRate: number): number {
  const n = pcm.length;
  const w = (2 * Math.PI * frequency) / sampleRate;
  let re = 0;
  let im = 0;
  for (let i = 0; i < n; i++) {
    const hann = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1));
    const v = (pcm[i] ?? 0) * hann;
    re += v * Math.cos(w * i);
    im -= v * Math.sin(w * i);
  }
  return re * re + im * im;
}

export interface FrequencyScanOptions {
  readonly minHz?: number;
  readonly maxHz?: number;
  /** Coarse scan step in Hz before refinement. */
  readonly stepHz?: number;
}

/**
 * Frequency of the strongest component: a coarse windowed-DTFT scan, then a
 * golden-section refinement around the best coarse point (to ~0.1 Hz). Use
 * on a few hundred milliseconds of audio; cost is O(samples × steps).
 */
export function dominantFrequency(pcm: Int16Array, sampleRate: number, options: FrequencyScanOptions = {}): number {
  const minHz = options.minHz ?? 50;
  const maxHz = options.maxHz ?? sampleRate / 2 - 50;
  const step = options.stepHz ?? 10;
  let best = minHz;
  let bestPower = -1;
  for (let f = minHz; f <= maxHz; f += step) {
    const p = windowedPower(pcm, f, sampleRate);
    if (p > bestPower) {
      bestPower = p;
      best = f;
    }
  }
  // The Hann main lobe is 4 bins wide, so the true peak is within one step of `best`.
  let lo = Math.max(minHz, best - step);
  let hi = Math.min(maxHz, best + step);
  const ratio = (Math.sqrt(5) - 1) / 2;
  while (hi - lo > 0.1) {
    const a = hi - ratio * (hi - lo);
    const b = lo + ratio * (hi - lo);
    if (windowedPower(pcm, a, sampleRate) >= windowedPower(pcm, b, sampleRate)) hi = b;
    else lo = a;
  }
  return (lo + hi) / 2;
}

export interface ToneFit {
  /** Mean-square power of the fitted sine at the given frequency. */
  readonly tonePower: number;
  /** Mean-square power of everything else (the residual after removing the fit). */
  readonly residualPower: number;
  /** 10·log10(tonePower / residualPower); Infinity for a perfect tone. */
  readonly snrDb: number;
}

/**
 * Least-squares fit of a sine (any phase) plus DC at `frequency`; the SNR is
 * the fitted tone's power against the residual (noise, distortion, other
 * tones). Exact for a known, stable frequency, which is what echo tests have.
 */
export function fitTone(pcm: Int16Array, frequency: number, sampleRate: number): ToneFit {
  const n = pcm.length;
  const w = (2 * Math.PI * frequency) / sampleRate;
  // Normal equations for x ≈ a·sin + b·cos + c, solved by Cramer's rule.
  let ss = 0, cc = 0, sc = 0, s1 = 0, c1 = 0, xs = 0, xc = 0, x1 = 0;
  for (let i = 0; i < n; i++) {
    const s = Math.sin(w * i);
    const c = Math.cos(w * i);
    const x = pcm[i] ?? 0;
    ss += s * s; cc += c * c; sc += s * c; s1 += s; c1 += c;
    xs += x * s; xc += x * c; x1 += x;
  }
  const m = [ss, sc, s1, sc, cc, c1, s1, c1, n] as const;
  const det3 = (q: readonly number[]): number =>
    (q[0] ?? 0) * ((q[4] ?? 0) * (q[8] ?? 0) - (q[5] ?? 0) * (q[7] ?? 0)) -
    (q[1] ?? 0) * ((q[3] ?? 0) * (q[8] ?? 0) - (q[5] ?? 0) * (q[6] ?? 0)) +
    (q[2] ?? 0) * ((q[3] ?? 0) * (q[7] ?? 0) - (q[4] ?? 0) * (q[6] ?? 0));
  const d = det3(m);
  if (n === 0 || Math.abs(d) < 1e-9) return { tonePower: 0, residualPower: 0, snrDb: -Infinity };
  const a = det3([xs, sc, s1, xc, cc, c1, x1, c1, n]) / d;
  const b = det3([ss, xs, s1, sc, xc, c1, s1, x1, n]) / d;
  const dc = det3([ss, sc, xs, sc, cc, xc, s1, c1, x1]) / d;
  let residual = 0;
  for (let i = 0; i < n; i++) {
    const e = (pcm[i] ?? 0) - (a * Math.sin(w * i) + b * Math.cos(w * i) + dc);
    residual += e * e;
  }
  const tonePower = (a * a + b * b) / 2;
  const residualPower = residual / n;
  return { tonePower, residualPower, snrDb: 10 * Math.log10(tonePower / residualPower) };
}

export interface ActiveRegion {
  /** First sample of the first window louder than the threshold. */
  readonly start: number;
  /** One past the last sample of the last window louder than the threshold. */
  readonly end: number;
}

/**
 * Where the signal is louder than `thresholdDbfs`, measured in windows of
 * `windowMs`: from the first loud window to the last. Null when nothing is loud.
 */
export function activeRegion(
  pcm: Int16Array,
  sampleRate: number,
  options: { readonly thresholdDbfs?: number; readonly windowMs?: number } = {},
): ActiveRegion | null {
  const threshold = options.thresholdDbfs ?? -40;
  const window = Math.max(1, Math.floor(((options.windowMs ?? 10) * sampleRate) / 1000));
  let start = -1;
  let end = -1;
  for (let i = 0; i + window <= pcm.length; i += window) {
    if (levelDbfs(pcm.subarray(i, i + window)) > threshold) {
      if (start < 0) start = i;
      end = i + window;
    }
  }
  return start < 0 ? null : { start, end };
}

/**
 * The steady part of a received tone: the active region minus `trimMs` at each
 * end (onset transients, jitter-buffer ramp, the tail of the last packet).
 */
export function steadyPart(pcm: Int16Array, sampleRate: number, trimMs = 100): Int16Array {
  const region = activeRegion(pcm, sampleRate);
  if (region === null) return new Int16Array(0);
  const trim = Math.floor((trimMs * sampleRate) / 1000);
  const start = region.start + trim;
  const end = region.end - trim;
  return end > start ? pcm.subarray(start, end) : new Int16Array(0);
}
