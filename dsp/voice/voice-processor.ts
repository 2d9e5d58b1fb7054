/**
 * The streaming voice transform: source-filter analysis and resynthesis.
 *
 *   x ─pre-emphasis─► LPC analysis (24 ms asymmetric window, every 4 ms hop)
 *     ─A(z)─► residual ─TD-PSOLA (pitch)──────────────┐
 *   x ─YIN pitch tracker (marks, voicing)─────────────┘
 *     excitation (+ shaped noise: breathiness/whisper)
 *     ─1/A′(z) (envelope warped: formant ratio, McAdams α)─► de-emphasis ─► y
 *
 * Levels are kept without any adaptive loop (which would pump on onsets):
 * each PSOLA grain is scaled by √(synthesis period / analysis period), so the
 * excitation power stays put when pulses get denser or sparser, and each
 * hop's excitation is scaled by √(power gain of 1/A ÷ power gain of 1/A′), so
 * the warp does not change the loudness.
 *
 * Output lags input by exactly `latencySamples` (25 ms at every rate): a
 * PSOLA grain needs one 8 ms half-window of residual ahead of its centre
 * (+1 ms mapping tolerance), the next grain's window reaches 8 ms back, and
 * the hop-wise analysis (4 ms hops) adds up to two hops. Settings change through
 * a linear ramp of the resolved parameters (a cross-fade of the transform),
 * so updates and morphs are click-free.
 */
import { lpcOrder, asymmetricWindow, lagWindow, levinson, windowedAutocorrelation } from './lpc.js';
import { EnvelopeWarper, pickFormants } from './envelope-warp.js';
import { PitchTracker } from './pitch-tracker.js';
import { MAP_TOLERANCE_S, MAX_HALF_WINDOW_S, PsolaShifter, type SynthesisPitch } from './psola.js';
import { RunningVoiceStats } from './running-stats.js';
import { lerpVoice, NEUTRAL_VOICE, resolveVoiceSpec, type AnonymizeDraw, type ResolvedVoice } from './presets.js';
import type { VoiceProcessor, VoiceSpec } from './types.js';
import { validateVoiceSpec } from './validate.js';

const PRE_EMPHASIS = 0.9;
const WINDOW_S = 0.024;
/** Light bandwidth expansion: a wider one leaves formant peaks in the residual, which then escape the warp. */
const LAG_WINDOW_HZ = 15;
const HOPS = 128;
const HOP_MASK = HOPS - 1;
export const DEFAULT_FADE_MS = 30;
/** Limits of the filter-gain correction (a warp that changes the envelope's power by more is clamped). */
const MAX_FILTER_GAIN = 4;

function hopSize(sampleRate: number): number {
  return Math.round(sampleRate * 0.004);
}

export interface VoiceProcessorStats {
  /** PSOLA grains placed early to keep the latency bound (should stay near 0). */
  readonly forcedGrains: number;
  /** Frames whose input and output lengths differed (the shorter length was used). */
  readonly badFrames: number;
}

export class LpcPsolaVoiceProcessor implements VoiceProcessor {
  readonly sampleRate: number;
  readonly latencySamples: number;
  readonly #hop: number;
  readonly #order: number;
  readonly #mask: number;
  readonly #x: Float64Array; // pre-emphasised input
  readonly #yPre: Float64Array; // synthesis filter output, before gain
  readonly #y: Float64Array; // final output
  readonly #window: Float64Array;
  readonly #windowed: Float64Array;
  readonly #lag: Float64Array;
  readonly #r: Float64Array;
  readonly #scratch: Float64Array;
  readonly #a: Float64Array; // this hop's analysis predictor
  readonly #sWork: Float64Array; // this hop's (warped) synthesis predictor
  readonly #s: Float64Array; // synthesis predictors of the last HOPS hops, order + 1 each
  readonly #noiseLevel = new Float64Array(HOPS);
  readonly #breath = new Float64Array(HOPS);
  /** Excitation gain per hop that keeps the level when the warp changes the filter's power gain. */
  readonly #filterGain = new Float64Array(HOPS);
  readonly #formants = new Float64Array(3);
  readonly #tracker: PitchTracker;
  readonly #psola: PsolaShifter;
  readonly #warper: EnvelopeWarper;
  readonly #stats = new RunningVoiceStats();
  readonly #draw: AnonymizeDraw;
  readonly #pitch: SynthesisPitch = { ratio: 1, monotone: 0, monotonePeriod: 100 };
  #from: ResolvedVoice = { ...NEUTRAL_VOICE };
  #to: ResolvedVoice = { ...NEUTRAL_VOICE };
  readonly #active: ResolvedVoice = { ...NEUTRAL_VOICE };
  #fade = 1;
  #fadeStep = 1;
  #n = 0;
  #synthPos = 0;
  #lastRaw = 0;
  #lastOut = 0;
  #noise = 0x12345678;
  #vibratoPhase = 0;
  #badFrames = 0;

  constructor(spec: VoiceSpec, sampleRate: number, draw: AnonymizeDraw) {
    this.sampleRate = sampleRate;
    this.#draw = draw;
    this.#hop = hopSize(sampleRate);
    this.#order = lpcOrder(sampleRate);
    // Two half-windows, the mapping tolerance and two hops: see PsolaShifter and docs/voice.md.
    this.latencySamples = Math.round(sampleRate * (2 * MAX_HALF_WINDOW_S + MAP_TOLERANCE_S)) + 2 * this.#hop;
    const ring = 2 ** Math.ceil(Math.log2(sampleRate * 0.25));
    this.#mask = ring - 1;
    this.#x = new Float64Array(ring);
    this.#yPre = new Float64Array(ring);
    this.#y = new Float64Array(ring);
    this.#window = asymmetricWindow(Math.round(sampleRate * WINDOW_S));
    this.#windowed = new Float64Array(this.#window.length);
    this.#lag = lagWindow(this.#order, sampleRate, LAG_WINDOW_HZ);
    this.#r = new Float64Array(this.#order + 1);
    this.#scratch = new Float64Array(this.#order + 1);
    this.#a = new Float64Array(this.#order + 1);
    this.#sWork = new Float64Array(this.#order + 1);
    this.#s = new Float64Array(HOPS * (this.#order + 1));
    this.#tracker = new PitchTracker(sampleRate);
    this.#psola = new PsolaShifter(sampleRate, ring);
    this.#warper = new EnvelopeWarper(this.#order, sampleRate);
    this.#to = resolveVoiceSpec(spec, draw);
    this.#from = this.#to;
    lerpVoice(this.#to, this.#to, 1, this.#active);
    this.reset();
  }

  get stats(): VoiceProcessorStats {
    return { forcedGrains: this.#psola.forcedGrains, badFrames: this.#badFrames };
  }

  reset(): void {
    this.#x.fill(0);
    this.#yPre.fill(0);
    this.#y.fill(0);
    this.#s.fill(0);
    for (let h = 0; h < HOPS; h++) this.#s[h * (this.#order + 1)] = 1;
    this.#tracker.reset();
    this.#psola.reset();
    this.#stats.reset();
    this.#n = 0;
    this.#synthPos = 0;
    this.#lastRaw = 0;
    this.#lastOut = 0;
    this.#vibratoPhase = 0;
    this.#from = this.#to;
    this.#fade = 1;
    lerpVoice(this.#to, this.#to, 1, this.#active);
  }

  /** Throws VoiceError('ERR_VOICE_SPEC') on an invalid spec (validate at the boundary to avoid it). */
  update(spec: VoiceSpec, fadeMs = DEFAULT_FADE_MS): void {
    const next = resolveVoiceSpec(validateVoiceSpec(spec), this.#draw);
    this.#from = { ...this.#active };
    this.#to = next;
    const fadeSamples = Math.max(0, Math.min(2000, fadeMs)) * 0.001 * this.sampleRate;
    this.#fade = fadeSamples < 1 ? 1 : 0;
    this.#fadeStep = fadeSamples < 1 ? 1 : this.#hop / fadeSamples;
    if (this.#fade >= 1) lerpVoice(this.#to, this.#to, 1, this.#active);
  }

  process(input: Int16Array, output: Int16Array): void {
    const length = Math.min(input.length, output.length);
    if (input.length !== output.length) {
      this.#badFrames++;
      output.fill(0, length);
    }
    const mask = this.#mask;
    const delay = this.latencySamples;
    let i = 0;
    while (i < length) {
      const chunk = Math.min(length - i, this.#hop - (this.#n % this.#hop));
      for (let k = 0; k < chunk; k++) {
        const raw = input[i + k] ?? 0;
        this.#tracker.push(raw);
        this.#x[(this.#n + k) & mask] = raw - PRE_EMPHASIS * this.#lastRaw;
        this.#lastRaw = raw;
      }
      this.#n += chunk;
      if (this.#n % this.#hop === 0) this.#runHop(this.#n);
      for (let k = 0; k < chunk; k++) {
        const at = this.#n - chunk + k - delay;
        const v = at < 0 ? 0 : Math.round(this.#y[at & mask] ?? 0);
        output[i + k] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
      }
      i += chunk;
    }
  }

  /** Everything that happens once per hop, when input is complete below `end`. */
  #runHop(end: number): void {
    const hop = this.#hop;
    const order = this.#order;
    const slot = (end / hop - 1) & HOP_MASK;
    const a = this.#a;
    const s = this.#sWork;
    this.#advanceFade();
    const voice = this.#active;

    windowedAutocorrelation(this.#x, this.#mask, end, this.#window, this.#windowed, order, this.#lag, this.#r);
    const error = levinson(this.#r, order, a, this.#scratch);
    const analysisGain = error > 0 ? (this.#r[0] ?? 0) / error : 1;
    this.#noiseLevel[slot] = this.#residual(a, end - hop, end);
    this.#breath[slot] = voice.breathiness;

    // The pitch is re-estimated every other hop (8 ms): the marks need no finer update, and it halves the tracker's cost.
    if ((end / hop) % 2 === 0) this.#tracker.analyse();
    const voiced = this.#tracker.voiced;
    let targetSemitones = 0;
    let targetLogFormant = 0;
    if (voice.target > 0 && voice.profile !== null) {
      if (voiced) {
        this.#stats.addF0(this.sampleRate / this.#tracker.period);
        this.#warper.analyse(a);
        this.#stats.addFormants(this.#formants, pickFormants(this.#warper, this.#formants));
      }
      targetSemitones = voice.target * this.#stats.semitonesTo(voice.profile);
      targetLogFormant = voice.target * this.#stats.logFormantRatioTo(voice.profile);
    }

    const formantRatio = Math.exp(voice.logFormant + targetLogFormant);
    let filterGain = 1;
    if (Math.abs(formantRatio - 1) < 1e-4 && Math.abs(voice.alpha - 1) < 1e-4) s.set(a);
    else if (this.#warper.warp(a, formantRatio, voice.alpha, s)) filterGain = Math.sqrt(analysisGain / this.#warper.powerGain);
    this.#filterGain[slot] = Math.min(MAX_FILTER_GAIN, Math.max(1 / MAX_FILTER_GAIN, filterGain));
    this.#s.set(s, slot * (order + 1));

    this.#vibratoPhase = (this.#vibratoPhase + (2 * Math.PI * voice.vibratoHz * hop) / this.sampleRate) % (2 * Math.PI);
    const semitones = voice.semitones + targetSemitones + voice.vibratoDepth * Math.sin(this.#vibratoPhase);
    this.#pitch.ratio = 2 ** (semitones / 12);
    this.#pitch.monotone = voice.monotone;
    this.#pitch.monotonePeriod = this.sampleRate / (voice.monotoneHz * 2 ** ((voice.semitones + targetSemitones) / 12));
    const needed = end + hop - this.latencySamples;
    this.#psola.advance(end, voiced, this.#tracker.period, this.#pitch, needed);
    this.#synthesise(Math.min(end, this.#psola.finalUntil));
  }

  #advanceFade(): void {
    if (this.#fade >= 1) return;
    this.#fade = Math.min(1, this.#fade + this.#fadeStep);
    lerpVoice(this.#from, this.#to, this.#fade, this.#active);
  }

  /** e = A(z)·x over [from, to); returns the RMS of the residual (the noise level for breathiness). */
  #residual(a: Float64Array, from: number, to: number): number {
    const x = this.#x;
    const e = this.#psola.residual;
    const mask = this.#mask;
    const order = this.#order;
    let energy = 0;
    for (let n = from; n < to; n++) {
      let acc = x[n & mask] as number;
      for (let j = 1; j <= order; j++) acc += (a[j] as number) * (x[(n - j) & mask] as number);
      e[n & mask] = acc;
      energy += acc * acc;
    }
    return Math.sqrt(energy / Math.max(1, to - from));
  }

  /** Runs excitation (+ noise) through the warped synthesis filters and de-emphasises, up to `until`. */
  #synthesise(until: number): void {
    const mask = this.#mask;
    const order = this.#order;
    const hop = this.#hop;
    const exc = this.#psola.excitation;
    const yPre = this.#yPre;
    while (this.#synthPos < until) {
      const n0 = this.#synthPos;
      const slot = Math.floor(n0 / hop) & HOP_MASK;
      const stop = Math.min(until, (Math.floor(n0 / hop) + 1) * hop);
      const s = this.#s;
      const base = slot * (order + 1);
      const breath = this.#breath[slot] ?? 0;
      const gain = this.#filterGain[slot] ?? 1;
      const voicedShare = gain * Math.sqrt(Math.max(0, 1 - breath * breath));
      const noiseLevel = gain * breath * (this.#noiseLevel[slot] ?? 0) * Math.sqrt(3);
      for (let n = n0; n < stop; n++) {
        let acc = (exc[n & mask] as number) * voicedShare;
        exc[n & mask] = 0;
        if (noiseLevel > 0) acc += noiseLevel * this.#nextNoise();
        for (let j = 1; j <= order; j++) acc -= (s[base + j] as number) * (yPre[(n - j) & mask] as number);
        yPre[n & mask] = acc;
        const out = acc + PRE_EMPHASIS * this.#lastOut;
        this.#lastOut = out;
        this.#y[n & mask] = out;
      }
      this.#synthPos = stop;
    }
  }

  /** Uniform noise in [−1, 1) (xorshift32). */
  #nextNoise(): number {
    let v = this.#noise;
    v ^= v << 13;
    v ^= v >>> 17;
    v ^= v << 5;
    this.#noise = v;
    return (v >>> 0) / 2147483648 - 1;
  }
}
