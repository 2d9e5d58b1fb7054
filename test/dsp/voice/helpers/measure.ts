/**
 * Independent measures for the voice tests (none of dsp/ is used): F0 by
 * normalised autocorrelation on long windows, formants from an LPC envelope
 * evaluated on a fine frequency grid, spectral flatness, and the largest
 * sample-to-sample step.
 */

export interface F0Frame {
  /** Centre of the window, s. */
  readonly time: number;
  /** F0 in Hz, 0 when unvoiced. */
  readonly f0: number;
}

/** F0 every `hopMs` from windows of `windowMs`: lag of the normalised autocorrelation peak (70–500 Hz). */
export function trackF0(pcm: Int16Array, sampleRate: number, windowMs = 60, hopMs = 10, threshold = 0.75): F0Frame[] {
  const window = Math.round((sampleRate * windowMs) / 1000);
  const hop = Math.round((sampleRate * hopMs) / 1000);
  const minLag = Math.floor(sampleRate / 500);
  const maxLag = Math.ceil(sampleRate / 70);
  const frames: F0Frame[] = [];
  for (let start = 0; start + window + maxLag <= pcm.length; start += hop) {
    const scores = new Float64Array(maxLag + 2);
    let e0 = 0;
    for (let i = 0; i < window; i++) e0 += (pcm[start + maxLag + i] ?? 0) ** 2;
    let best = 0;
    for (let lag = minLag - 1; lag <= maxLag + 1 && lag <= maxLag; lag++) {
      let cross = 0;
      let e1 = 0;
      for (let i = 0; i < window; i++) {
        const a = pcm[start + maxLag + i] ?? 0;
        const b = pcm[start + maxLag + i - lag] ?? 0;
        cross += a * b;
        e1 += b * b;
      }
      scores[lag] = cross / Math.sqrt(e0 * e1 + 1e-9);
      if (lag >= minLag) best = Math.max(best, scores[lag] ?? 0);
    }
    let f0 = 0;
    if (best > threshold && e0 / window > 100 * 100) {
      // Smallest lag whose peak is within 10 % of the best (avoids picking a multiple of the period).
      for (let lag = minLag; lag < maxLag; lag++) {
        const v = scores[lag] ?? 0;
        if (v >= 0.9 * best && v >= (scores[lag - 1] ?? 0) && v >= (scores[lag + 1] ?? 0)) {
          const l = scores[lag - 1] ?? 0;
          const r = scores[lag + 1] ?? 0;
          const d = l - 2 * v + r;
          const offset = d < 0 ? (0.5 * (l - r)) / d : 0;
          f0 = sampleRate / (lag + offset);
          break;
        }
      }
    }
    frames.push({ time: (start + maxLag + window / 2) / sampleRate, f0 });
  }
  return frames;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** Median of out/in F0 over frames voiced in both (the tracks must come from equally long signals). */
export function medianF0Ratio(input: readonly F0Frame[], output: readonly F0Frame[]): { ratio: number; frames: number } {
  const ratios: number[] = [];
  for (let i = 0; i < Math.min(input.length, output.length); i++) {
    const a = input[i]?.f0 ?? 0;
    const b = output[i]?.f0 ?? 0;
    if (a > 0 && b > 0) ratios.push(b / a);
  }
  return { ratio: median(ratios), frames: ratios.length };
}

/** Levinson–Durbin, A(z) = 1 + Σ a_j z^-j. */
function lpc(frame: Float64Array, order: number): Float64Array {
  const r = new Float64Array(order + 1);
  for (let k = 0; k <= order; k++) for (let i = k; i < frame.length; i++) r[k] = (r[k] ?? 0) + (frame[i] ?? 0) * (frame[i - k] ?? 0);
  r[0] = (r[0] ?? 0) * 1.0001 + 1e-9;
  let a = new Float64Array(order + 1);
  a[0] = 1;
  let err = r[0] ?? 1;
  for (let m = 1; m <= order; m++) {
    let acc = r[m] ?? 0;
    for (let j = 1; j < m; j++) acc += (a[j] ?? 0) * (r[m - j] ?? 0);
    const k = -acc / err;
    const next = new Float64Array(order + 1);
    next[0] = 1;
    for (let j = 1; j < m; j++) next[j] = (a[j] ?? 0) + k * (a[m - j] ?? 0);
    next[m] = k;
    a = next;
    err *= 1 - k * k;
  }
  return a;
}

/** Formant peaks (Hz) of the LPC envelope of a Hamming-windowed, pre-emphasised frame, 10 Hz grid up to 4.5 kHz. */
export function frameFormants(pcm: Int16Array, start: number, length: number, sampleRate: number, order = 2 + Math.round(sampleRate / 1000)): number[] {
  const frame = new Float64Array(length);
  for (let i = 0; i < length; i++) {
    const x = (pcm[start + i] ?? 0) - 0.95 * (pcm[start + i - 1] ?? 0);
    frame[i] = x * (0.54 - 0.46 * Math.cos((2 * Math.PI * i) / (length - 1)));
  }
  const a = lpc(frame, order);
  const peaks: number[] = [];
  let prev2 = 0;
  let prev1 = 0;
  for (let f = 100; f <= 4500; f += 10) {
    let re = 0;
    let im = 0;
    for (let j = 0; j <= order; j++) {
      const w = (-2 * Math.PI * f * j) / sampleRate;
      re += (a[j] ?? 0) * Math.cos(w);
      im += (a[j] ?? 0) * Math.sin(w);
    }
    const power = -Math.log(re * re + im * im);
    if (f > 110 && prev1 > prev2 && prev1 >= power) peaks.push(f - 10);
    prev2 = prev1;
    prev1 = power;
  }
  return peaks;
}

/** Median F1..F3 over 30 ms frames every 10 ms in [from, to) seconds. */
export function medianFormants(pcm: Int16Array, sampleRate: number, from: number, to: number): number[] {
  const length = Math.round(sampleRate * 0.03);
  const lists: number[][] = [[], [], []];
  for (let start = Math.round(from * sampleRate); start + length <= Math.round(to * sampleRate); start += Math.round(sampleRate * 0.01)) {
    const peaks = frameFormants(pcm, start, length, sampleRate);
    for (let i = 0; i < 3; i++) if (peaks[i] !== undefined) lists[i]?.push(peaks[i] ?? 0);
  }
  return lists.map(median);
}

/** Spectral flatness (geometric / arithmetic mean of the power spectrum, 0…1) of Hann frames of 256, averaged. */
export function spectralFlatness(pcm: Int16Array, from: number, to: number): number {
  const size = 256;
  const values: number[] = [];
  for (let start = from; start + size <= to; start += size) {
    let logSum = 0;
    let sum = 0;
    const bins = size / 2;
    for (let k = 1; k < bins; k++) {
      let re = 0;
      let im = 0;
      for (let i = 0; i < size; i++) {
        const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / size);
        const x = (pcm[start + i] ?? 0) * w;
        re += x * Math.cos((2 * Math.PI * k * i) / size);
        im -= x * Math.sin((2 * Math.PI * k * i) / size);
      }
      const p = re * re + im * im + 1e-6;
      logSum += Math.log(p);
      sum += p;
    }
    values.push(Math.exp(logSum / (bins - 1)) / (sum / (bins - 1)));
  }
  return values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
}

/** Largest |x[n] − x[n−1]| in [from, to). */
export function maxStep(pcm: Int16Array, from = 1, to = pcm.length): number {
  let max = 0;
  for (let n = Math.max(1, from); n < to; n++) max = Math.max(max, Math.abs((pcm[n] ?? 0) - (pcm[n - 1] ?? 0)));
  return max;
}

/** Runs a processor over `input` in frames of `frame` samples; returns the output (same length). */
export function runFrames(processor: { process(i: Int16Array, o: Int16Array): void }, input: Int16Array, frame: number): Int16Array {
  const out = new Int16Array(input.length);
  for (let at = 0; at < input.length; at += frame) {
    const end = Math.min(input.length, at + frame);
    processor.process(input.subarray(at, end), out.subarray(at, end));
  }
  return out;
}
