/** Test signals generated in the tests: sweeps and harmonic, speech-like tones. */

/** A linear sine sweep from `f0` to `f1` Hz at `dbfs`. */
export function sweep(sampleRate: number, seconds: number, f0: number, f1: number, dbfs = -12): Int16Array {
  const n = Math.floor(sampleRate * seconds);
  const amplitude = 32768 * 10 ** (dbfs / 20);
  const out = new Int16Array(n);
  let phase = 0;
  for (let i = 0; i < n; i++) {
    const f = f0 + ((f1 - f0) * i) / n;
    phase += (2 * Math.PI * f) / sampleRate;
    out[i] = Math.round(amplitude * Math.sin(phase));
  }
  return out;
}

/**
 * A voiced, speech-like signal: a harmonic series falling like the long-term
 * speech spectrum (k^-1.5, about -9 dB per octave) with two formant bumps,
 * on a pitch that glides 110..160 Hz, shaped by a 4 Hz syllable envelope.
 */
export function harmonicSpeech(sampleRate: number, seconds: number, dbfs = -16): Int16Array {
  const n = Math.floor(sampleRate * seconds);
  const out = new Int16Array(n);
  const harmonics = Math.floor(sampleRate / 2 / 170);
  const amplitude = 32768 * 10 ** (dbfs / 20);
  let phase = 0;
  for (let i = 0; i < n; i++) {
    const t = i / sampleRate;
    const pitch = 135 + 25 * Math.sin(2 * Math.PI * 0.7 * t);
    phase += (2 * Math.PI * pitch) / sampleRate;
    let x = 0;
    for (let k = 1; k <= harmonics; k++) {
      // A formant bump near 500 Hz and 1500 Hz, like an open vowel.
      const f = k * pitch;
      const formant = 1 + 2 * Math.exp(-(((f - 500) / 200) ** 2)) + Math.exp(-(((f - 1500) / 300) ** 2));
      x += (formant / k ** 1.5) * Math.sin(k * phase);
    }
    const envelope = 0.55 + 0.45 * Math.sin(2 * Math.PI * 4 * t);
    out[i] = Math.max(-32768, Math.min(32767, Math.round(0.4 * amplitude * envelope * x)));
  }
  return out;
}

/** The largest SNR (dB) of `received` against `sent` over delays 0..maxDelay samples, and that delay. */
export function alignedSnr(sent: Int16Array, received: Int16Array, maxDelay: number): { snrDb: number; delay: number } {
  let best = { snrDb: -Infinity, delay: 0 };
  for (let d = 0; d <= maxDelay; d++) {
    let signal = 0;
    let noise = 0;
    for (let i = 0; i + d < received.length && i < sent.length; i++) {
      const x = sent[i] ?? 0;
      signal += x * x;
      noise += (x - (received[i + d] ?? 0)) ** 2;
    }
    const snrDb = 10 * Math.log10(signal / noise);
    if (snrDb > best.snrDb) best = { snrDb, delay: d };
  }
  return best;
}
