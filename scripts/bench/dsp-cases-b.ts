/**
 * Part B's `dsp` bench cases: echo canceller, packet-loss concealment, DTMF
 * detection and generation, tones and comfort noise. Inputs are synthesised
 * here (a voiced, pitch-gliding, syllable-shaped signal and its echo through
 * a short decaying room response), so the bench needs no fixture files and
 * the blocks run in their normal state (the canceller converged and aligned,
 * the detector seeing speech rather than silence).
 */
import {
  ComfortNoiseGenerator,
  DtmfDetector,
  DtmfGenerator,
  EchoCanceller,
  PacketLossConcealer,
  TonePlayer,
} from '../../dsp/index.js';
import { BENCH_RATES, frameSamples, type DspBenchCase } from './dsp-case.js';

const SIGNAL_SECONDS = 2;
/** Echo path of the AEC case: 40 ms bulk delay, 60 ms of decaying response, −6 dB. */
const ECHO_DELAY_MS = 40;
const ECHO_LENGTH_MS = 60;
const ECHO_GAIN = 0.5;
/** Frames the canceller runs before timing, so it has converged and aligned. */
const AEC_WARMUP_FRAMES = 150;

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let z = Math.imul(state ^ (state >>> 15), state | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** Voiced speech stand-in: 12 harmonics of a 100–160 Hz gliding pitch, 4 syllables a second, a little breath noise. */
function speechLike(rate: number, seed: number): Float64Array {
  const next = random(seed);
  const out = new Float64Array(rate * SIGNAL_SECONDS);
  let phase = 0;
  for (let i = 0; i < out.length; i++) {
    const t = i / rate;
    phase += (2 * Math.PI * (130 + 30 * Math.sin(2 * Math.PI * 0.7 * t))) / rate;
    let voiced = 0;
    for (let h = 1; h <= 12 && h * 160 < rate / 2; h++) voiced += Math.sin(h * phase) / h;
    const syllable = Math.abs(Math.sin(2 * Math.PI * 2 * t));
    out[i] = 4000 * syllable * voiced + 300 * (next() - 0.5);
  }
  return out;
}

function toInt16(signal: Float64Array): Int16Array {
  return Int16Array.from(signal, (v) => Math.max(-32768, Math.min(32767, Math.round(v))));
}

/** `far` through a bulk delay and an exponentially decaying random response. */
function echoOf(far: Float64Array, rate: number): Float64Array {
  const next = random(99);
  const delay = Math.round((ECHO_DELAY_MS * rate) / 1000);
  const taps = Float64Array.from({ length: Math.round((ECHO_LENGTH_MS * rate) / 1000) }, (_, k) => (k === 0 ? 1 : (next() - 0.5) * Math.exp((-8 * k) / ((ECHO_LENGTH_MS * rate) / 1000))));
  let energy = 0;
  for (const tap of taps) energy += tap * tap;
  const scale = ECHO_GAIN / Math.sqrt(energy);
  const echo = new Float64Array(far.length);
  for (let n = 0; n < far.length; n++) {
    let sum = 0;
    for (let k = 0; k < taps.length && n - delay - k >= 0; k++) sum += (taps[k] as number) * (far[n - delay - k] as number);
    echo[n] = sum * scale;
  }
  return echo;
}

/** A per-frame runner that walks through `signal` frame by frame, wrapping around. */
function cycler(signal: Int16Array, frame: number): () => Int16Array {
  let at = 0;
  return () => {
    if (at + frame > signal.length) at = 0;
    const view = signal.subarray(at, at + frame);
    at += frame;
    return view;
  };
}

export const dspCasesB: DspBenchCase[] = [
  {
    name: 'aec',
    sampleRates: BENCH_RATES,
    note: 'echo canceller (MDF + delay estimator + residual suppressor), 128 ms tail, converged on a 40 ms echo path',
    setup(sampleRate) {
      const frame = frameSamples(sampleRate);
      const farSignal = speechLike(sampleRate, 1);
      const far = toInt16(farSignal);
      const near = toInt16(echoOf(farSignal, sampleRate));
      const nextFar = cycler(far, frame);
      const nextNear = cycler(near, frame);
      const aec = new EchoCanceller({ sampleRate });
      const out = new Int16Array(frame);
      const run = (): void => aec.process(nextFar(), nextNear(), out);
      for (let i = 0; i < AEC_WARMUP_FRAMES; i++) run();
      return run;
    },
  },
  {
    name: 'plc conceal+resume',
    sampleRates: BENCH_RATES,
    note: 'worst case: every other frame lost (pitch search, synthesis, merge)',
    setup(sampleRate) {
      const frame = frameSamples(sampleRate);
      const next = cycler(toInt16(speechLike(sampleRate, 2)), frame);
      const plc = new PacketLossConcealer({ sampleRate });
      const good = new Int16Array(frame);
      const lost = new Int16Array(frame);
      let odd = false;
      return () => {
        odd = !odd;
        if (odd) plc.conceal(lost, 0, frame);
        else {
          good.set(next());
          plc.resume(good);
        }
      };
    },
  },
  {
    name: 'dtmf detect',
    sampleRates: BENCH_RATES,
    note: 'Goertzel DTMF receiver on speech',
    setup(sampleRate) {
      const next = cycler(toInt16(speechLike(sampleRate, 3)), frameSamples(sampleRate));
      const detector = new DtmfDetector({ sampleRate });
      return () => void detector.process(next());
    },
  },
  {
    name: 'dtmf generate',
    sampleRates: BENCH_RATES,
    setup(sampleRate) {
      const generator = new DtmfGenerator({ sampleRate });
      const out = new Int16Array(frameSamples(sampleRate));
      return () => {
        if (!generator.active) generator.queue('0123456789');
        generator.fill(out);
      };
    },
  },
  {
    name: 'tones ringback',
    sampleRates: BENCH_RATES,
    setup(sampleRate) {
      const player = new TonePlayer({ sampleRate, pattern: 'ringback-us' });
      const out = new Int16Array(frameSamples(sampleRate));
      return () => player.fill(out);
    },
  },
  {
    name: 'comfort noise',
    sampleRates: BENCH_RATES,
    note: 'shaped (8 reflection coefficients)',
    setup(sampleRate) {
      const generator = new ComfortNoiseGenerator({ sampleRate, levelDbov: -60 });
      generator.set({ levelDbov: -60, reflection: [-0.8, 0.3, -0.1, 0.05, 0, 0, 0, 0] });
      const out = new Int16Array(frameSamples(sampleRate));
      return () => generator.fill(out);
    },
  },
];
