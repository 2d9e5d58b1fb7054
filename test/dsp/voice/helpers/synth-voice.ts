/**
 * Synthesized speech-like test signals, independent of dsp/voice: a glottal
 * pulse train (Rosenberg-style pulse, differentiated for lip radiation) through
 * cascaded two-pole formant resonators, optional noise bursts standing in for
 * unvoiced consonants.
 */

export interface VowelOptions {
  readonly sampleRate: number;
  readonly seconds: number;
  /** F0 in Hz, constant or as a function of time (s). */
  readonly f0: number | ((t: number) => number);
  /** Formant centre frequencies (Hz) and bandwidths (Hz). */
  readonly formants?: readonly number[];
  readonly bandwidths?: readonly number[];
  /** Peak level of the output (16-bit units). */
  readonly peak?: number;
}

export const DEFAULT_FORMANTS = [700, 1220, 2600];
export const DEFAULT_BANDWIDTHS = [80, 90, 120];

/** Two-pole resonators in cascade, unit gain at DC. */
export function resonate(signal: Float64Array, sampleRate: number, formants: readonly number[], bandwidths: readonly number[]): Float64Array {
  let current = signal;
  formants.forEach((f, i) => {
    const bw = bandwidths[i] ?? 100;
    const r = Math.exp((-Math.PI * bw) / sampleRate);
    const a1 = -2 * r * Math.cos((2 * Math.PI * f) / sampleRate);
    const a2 = r * r;
    const g = 1 + a1 + a2;
    const out = new Float64Array(current.length);
    let y1 = 0;
    let y2 = 0;
    for (let n = 0; n < current.length; n++) {
      const y = g * (current[n] ?? 0) - a1 * y1 - a2 * y2;
      out[n] = y;
      y2 = y1;
      y1 = y;
    }
    current = out;
  });
  return current;
}

function normalise(signal: Float64Array, peak: number): Int16Array {
  let max = 0;
  for (const v of signal) max = Math.max(max, Math.abs(v));
  const scale = max > 0 ? peak / max : 0;
  return Int16Array.from(signal, (v) => Math.round(v * scale));
}

/** Glottal source: one Rosenberg pulse per period (open quotient 0.6), differentiated. */
export function glottalSource(sampleRate: number, seconds: number, f0: number | ((t: number) => number)): Float64Array {
  const length = Math.round(sampleRate * seconds);
  const source = new Float64Array(length);
  let phase = 0;
  let previous = 0;
  for (let n = 0; n < length; n++) {
    const hz = typeof f0 === 'number' ? f0 : f0(n / sampleRate);
    phase += hz / sampleRate;
    if (phase >= 1) phase -= 1;
    const open = 0.6;
    const rise = 0.4 * open;
    let g = 0;
    if (phase < rise) g = 0.5 * (1 - Math.cos((Math.PI * phase) / rise));
    else if (phase < open) g = Math.cos((0.5 * Math.PI * (phase - rise)) / (open - rise));
    source[n] = g - previous;
    previous = g;
  }
  return source;
}

export function synthVowel(options: VowelOptions): Int16Array {
  const source = glottalSource(options.sampleRate, options.seconds, options.f0);
  const shaped = resonate(source, options.sampleRate, options.formants ?? DEFAULT_FORMANTS, options.bandwidths ?? DEFAULT_BANDWIDTHS);
  return normalise(shaped, options.peak ?? 12000);
}

/** White noise (seeded) shaped by one broad resonance, like a fricative. */
export function synthFricative(sampleRate: number, seconds: number, centreHz: number, seed = 7, peak = 6000): Int16Array {
  let x = seed >>> 0 || 1;
  const length = Math.round(sampleRate * seconds);
  const noise = new Float64Array(length);
  for (let n = 0; n < length; n++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    noise[n] = x / 2147483648 - 1;
  }
  return normalise(resonate(noise, sampleRate, [centreHz], [Math.min(2000, centreHz * 0.4)]), peak);
}

export function concat(...parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((sum, p) => sum + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
