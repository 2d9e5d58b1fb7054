/**
 * Part A's `dsp` bench cases: resampler, VAD, level meter, the two noise
 * suppressors, AGC, and the per-leg chain the budget is stated for. Part B's
 * blocks go in `dsp-cases-b.ts` as `dspCasesB` (same shape).
 */
export { type DspBenchCase, type DspFrameRunner, BENCH_RATES, frameSamples } from './dsp-case.js';
import { BENCH_RATES, frameSamples, type DspBenchCase, type DspFrameRunner } from './dsp-case.js';
import { AutomaticGainControl } from '../../dsp/agc.js';
import { LevelMeter } from '../../dsp/level.js';
import { SpectralNoiseSuppressor } from '../../dsp/noise-suppressor.js';
import { createResampler } from '../../dsp/resampler.js';
import { createRnnoiseSuppressor } from '../../dsp/rnnoise.js';
import { createVad } from '../../dsp/vad.js';

/** The rate rooms mix at: the chain budget is for a leg feeding a 16 kHz room. */
const ROOM_RATE = 16000;
const SIGNAL_SECONDS = 2;

/**
 * Two seconds of a speech-like test signal at `rate`: a 120 Hz harmonic
 * voice with a 4 Hz syllable envelope over low noise (deterministic), so
 * the VAD, NS and AGC take their speech paths as well as their noise paths.
 */
export function benchSignal(rate: number): Int16Array {
  const out = new Int16Array(rate * SIGNAL_SECONDS);
  let seed = 12345;
  for (let i = 0; i < out.length; i++) {
    const t = i / rate;
    const envelope = Math.max(0, Math.sin(2 * Math.PI * 4 * t));
    let voice = 0;
    for (let h = 1; h * 120 < rate / 2 && h <= 20; h++) voice += Math.sin(2 * Math.PI * 120 * h * t) / h;
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    const noise = (seed / 2 ** 32 - 0.5) * 600;
    out[i] = Math.round(3000 * envelope * voice + noise);
  }
  return out;
}

/** Cycles through the signal one 20 ms frame per call. */
function frames(rate: number): () => Int16Array {
  const signal = benchSignal(rate);
  const size = frameSamples(rate);
  const views = Array.from({ length: signal.length / size }, (_, f) => signal.subarray(f * size, (f + 1) * size));
  let next = 0;
  return () => {
    const view = views[next] as Int16Array;
    next = (next + 1) % views.length;
    return view;
  };
}

function resampleCase(outputRate: number): DspBenchCase {
  return {
    name: `resample to ${outputRate / 1000} kHz`,
    sampleRates: BENCH_RATES.filter((rate) => rate !== outputRate),
    note: 'Speex quality 5, one 20 ms input frame at the given rate',
    async setup(rate): Promise<DspFrameRunner> {
      const resampler = await createResampler({ inputRate: rate, outputRate });
      const next = frames(rate);
      const out = new Int16Array(resampler.maxOutputLength(frameSamples(rate)));
      return () => {
        resampler.process(next(), out);
      };
    },
  };
}

/** The per-leg receive chain at the room rate: resample in, NS, VAD, AGC, level, resample out. */
async function chainRunner(legRate: number, suppressor: 'spectral' | 'rnnoise'): Promise<DspFrameRunner> {
  const up = await createResampler({ inputRate: legRate, outputRate: ROOM_RATE });
  const down = await createResampler({ inputRate: ROOM_RATE, outputRate: legRate });
  const spectral = new SpectralNoiseSuppressor({ sampleRate: ROOM_RATE });
  const rnnoise = suppressor === 'rnnoise' ? await createRnnoiseSuppressor({ sampleRate: ROOM_RATE }) : undefined;
  const vad = await createVad({ sampleRate: ROOM_RATE });
  const agc = new AutomaticGainControl({ sampleRate: ROOM_RATE });
  const meter = new LevelMeter();
  const next = frames(legRate);
  const room = new Int16Array(frameSamples(ROOM_RATE) + 2);
  const back = new Int16Array(frameSamples(legRate) + 2);
  return () => {
    const n = up.process(next(), room);
    if (rnnoise) rnnoise.process(room, room, n);
    else spectral.process(room, room, n);
    const speech = vad.process(room, n);
    agc.process(room, room, speech, n);
    meter.process(room, n);
    down.process(room, back, n);
  };
}

export const dspCases: DspBenchCase[] = [
  resampleCase(8000),
  resampleCase(16000),
  resampleCase(48000),
  {
    name: 'vad',
    sampleRates: BENCH_RATES,
    note: 'WebRTC VAD (fvad WASM) + noise-floor gate + hangover',
    async setup(rate) {
      const vad = await createVad({ sampleRate: rate });
      const next = frames(rate);
      return () => {
        vad.process(next());
      };
    },
  },
  {
    name: 'level',
    sampleRates: BENCH_RATES,
    note: 'RMS, peak, dBov/dBFS, RFC 6464 level',
    setup(rate) {
      const meter = new LevelMeter();
      const next = frames(rate);
      return () => meter.process(next());
    },
  },
  {
    name: 'ns spectral',
    sampleRates: BENCH_RATES,
    note: 'MCRA + decision-directed Wiener, TypeScript (budget 20 µs)',
    setup(rate) {
      const ns = new SpectralNoiseSuppressor({ sampleRate: rate });
      const next = frames(rate);
      const out = new Int16Array(frameSamples(rate));
      return () => ns.process(next(), out);
    },
  },
  {
    name: 'ns rnnoise',
    sampleRates: BENCH_RATES,
    note: 'RNNoise WASM at 48 kHz, with resampling from/to the given rate',
    async setup(rate) {
      const rnnoise = await createRnnoiseSuppressor({ sampleRate: rate });
      const next = frames(rate);
      const out = new Int16Array(frameSamples(rate));
      return () => rnnoise.process(next(), out);
    },
  },
  {
    name: 'agc',
    sampleRates: BENCH_RATES,
    note: 'speech-level estimate, slew-limited gain, limiter',
    setup(rate) {
      const agc = new AutomaticGainControl({ sampleRate: rate });
      const next = frames(rate);
      const out = new Int16Array(frameSamples(rate));
      let n = 0;
      return () => agc.process(next(), out, (n++ & 7) < 6);
    },
  },
  {
    name: 'chain 16k (spectral NS)',
    sampleRates: BENCH_RATES,
    note: 'leg at the given rate → 16 kHz room: resample, spectral NS, VAD, AGC, level, resample back (budget 100 µs)',
    setup: (rate) => chainRunner(rate, 'spectral'),
  },
  {
    name: 'chain 16k (RNNoise)',
    sampleRates: BENCH_RATES,
    note: 'the same chain with RNNoise instead of the spectral suppressor',
    setup: (rate) => chainRunner(rate, 'rnnoise'),
  },
];
