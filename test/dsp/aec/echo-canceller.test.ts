import t from 'tap';
import { EchoCanceller } from '../../../dsp/index.js';
import { readAudioFixture } from '../../helpers/wav.js';
import { decimateBy2, erleDb, mixTo16, nearEndChangeDb, roomResponse, simulateEcho, whiteNoise, type RoomResponse } from '../helpers/echo-path.js';

// Issue 5 targets.
const MIN_ERLE_DB = 25;
const CONVERGENCE_S = 2;
const RECONVERGENCE_S = 1;
const MAX_NEAR_LOSS_DB = 3;

const male16k = readAudioFixture('speech-male-16k.wav').samples;
const female16k = readAudioFixture('speech-female-16k.wav').samples;

/** A mildly non-linear loudspeaker: tanh soft clipping at full scale (≈ 2% THD on a −6 dBFS sine). */
const SPEAKER_LIMIT = 32768;
/** Microphone self-noise, far below the echo (about −26 dBFS). */
const NOISE_DBFS = -65;

interface Run {
  readonly echo: Float64Array;
  readonly near: Float64Array;
  readonly out: Int16Array;
  readonly latency: number;
  readonly aec: EchoCanceller;
}

/** Plays `far` through `paths` (switching at `switchAt`) with `near` speech added, and cancels frame by frame. */
function run(rate: number, far: Int16Array, paths: readonly RoomResponse[], switchAt: readonly number[], near: Float64Array): Run {
  const echo = simulateEcho(far, paths, switchAt, SPEAKER_LIMIT);
  const mic = mixTo16(far.length, echo, whiteNoise(far.length, NOISE_DBFS, 7), near);
  const aec = new EchoCanceller({ sampleRate: rate });
  const frame = rate / 50;
  const out = new Int16Array(far.length);
  for (let i = 0; i + frame <= far.length; i += frame) {
    aec.process(far.subarray(i, i + frame), mic.subarray(i, i + frame), out.subarray(i, i + frame));
  }
  return { echo, near, out, latency: aec.latencySamples, aec };
}

function twice(speech: Int16Array): Int16Array {
  const out = new Int16Array(2 * speech.length);
  out.set(speech);
  out.set(speech, speech.length);
  return out;
}

t.test('16 kHz: converges within 2 s, reconverges within 1 s of an echo-path change', async (t) => {
  const rate = 16000;
  const far = twice(male16k);
  const change = male16k.length;
  const pathA = roomResponse({ sampleRate: rate, delayMs: 60, rt60Ms: 150, lengthMs: 100, gainDb: -6, seed: 1 });
  const pathB = roomResponse({ sampleRate: rate, delayMs: 100, rt60Ms: 200, lengthMs: 100, gainDb: -4, seed: 2 });
  const { echo, out, latency, aec } = run(rate, far, [pathA, pathB], [0, change], new Float64Array(far.length));

  const converged = erleDb(echo, out, CONVERGENCE_S * rate, change, latency);
  t.ok(converged >= MIN_ERLE_DB, `ERLE ${converged.toFixed(1)} dB from ${CONVERGENCE_S} s on (≥ ${MIN_ERLE_DB})`);
  const start = change + RECONVERGENCE_S * rate;
  const reconverged = erleDb(echo, out, start, far.length - latency, latency);
  t.ok(reconverged >= MIN_ERLE_DB, `ERLE ${reconverged.toFixed(1)} dB from ${RECONVERGENCE_S} s after the change (≥ ${MIN_ERLE_DB})`);
  t.ok(aec.stats.alignmentSamples > 0.08 * rate && aec.stats.alignmentSamples < 0.1 * rate, `filter realigned to the new delay (${aec.stats.alignmentSamples} samples)`);
  t.ok(aec.stats.adapted, 'the adaptive filter has adapted');
});

t.test('16 kHz double talk: near-end speech loses at most 3 dB', async (t) => {
  const rate = 16000;
  const far = male16k;
  const path = roomResponse({ sampleRate: rate, delayMs: 40, rt60Ms: 180, lengthMs: 100, gainDb: -6, seed: 3 });
  // The near end starts talking at 4 s (after convergence), about as loud as the echo.
  const near = new Float64Array(far.length);
  const talk = 4 * rate;
  for (let i = 0; i < female16k.length && talk + i < near.length; i++) near[talk + i] = 0.5 * (female16k[i] ?? 0);
  const { echo, out, latency } = run(rate, far, [path], [0], near);
  const change = nearEndChangeDb(echo, near, out, { from: talk, to: far.length - latency, frame: rate / 50, latency });
  t.ok(change.frames > 100, `${change.frames} frames of double talk`);
  t.ok(change.db >= -MAX_NEAR_LOSS_DB, `near-end speech changes by ${change.db.toFixed(2)} dB (≥ −${MAX_NEAR_LOSS_DB})`);
  t.ok(change.db <= 0.5, 'and is not amplified');
});

t.test('8 kHz with a 120 ms bulk delay: converges within 2 s', async (t) => {
  const rate = 8000;
  const far = decimateBy2(male16k);
  const path = roomResponse({ sampleRate: rate, delayMs: 120, rt60Ms: 150, lengthMs: 100, gainDb: -6, seed: 4 });
  const { echo, out, latency, aec } = run(rate, far, [path], [0], new Float64Array(far.length));
  const erle = erleDb(echo, out, CONVERGENCE_S * rate, far.length - latency, latency);
  t.ok(erle >= MIN_ERLE_DB, `ERLE ${erle.toFixed(1)} dB (≥ ${MIN_ERLE_DB})`);
  t.ok(aec.stats.alignmentSamples >= 0.1 * rate, `bulk delay found: aligned at ${aec.stats.alignmentSamples} samples`);
});

t.test('with a silent far end the capture passes through (only the DC blocker touches it)', async (t) => {
  const rate = 16000;
  const aec = new EchoCanceller({ sampleRate: rate });
  const far = new Int16Array(female16k.length);
  const out = new Int16Array(female16k.length);
  for (let i = 0; i + 320 <= far.length; i += 320) aec.process(far.subarray(i, i + 320), female16k.subarray(i, i + 320), out.subarray(i, i + 320));
  const lat = aec.latencySamples;
  let error = 0;
  let power = 0;
  let outPower = 0;
  for (let i = rate; i + lat < far.length - 320; i++) {
    error += ((out[i + lat] ?? 0) - (female16k[i] ?? 0)) ** 2;
    power += (female16k[i] ?? 0) ** 2;
    outPower += (out[i + lat] ?? 0) ** 2;
  }
  const snr = 10 * Math.log10(power / error);
  const level = 10 * Math.log10(outPower / power);
  t.ok(Math.abs(level) < 0.1, `level unchanged (${level.toFixed(3)} dB)`);
  // A 20 Hz one-pole high-pass shifts the phase of the lowest harmonics a little; nothing else differs.
  t.ok(snr > 20, `waveform kept (SNR ${snr.toFixed(1)} dB)`);
});

t.test('latency, frame sizes and bad input', async (t) => {
  t.equal(new EchoCanceller({ sampleRate: 16000 }).latencySamples, 64, '16 kHz: one 4 ms block (the suppressor overlap)');
  t.equal(new EchoCanceller({ sampleRate: 8000, suppression: false }).latencySamples, 0, 'no suppressor, frames a multiple of the block: no delay');
  t.equal(new EchoCanceller({ sampleRate: 48000 }).latencySamples, 512, '48 kHz 20 ms frames are not a multiple of 256: one more block');

  // A 48 kHz impulse comes out exactly `latencySamples` later, across odd frame boundaries.
  const aec = new EchoCanceller({ sampleRate: 48000, suppression: false, maxDelayMs: 0 });
  const frame = 960;
  const near = new Int16Array(5 * frame);
  near[1234] = 10000;
  const out = new Int16Array(near.length);
  const zeros = new Int16Array(frame);
  for (let i = 0; i < near.length; i += frame) aec.process(zeros, near.subarray(i, i + frame), out.subarray(i, i + frame));
  let peak = 0;
  for (let i = 1; i < out.length; i++) if (Math.abs(out[i] ?? 0) > Math.abs(out[peak] ?? 0)) peak = i;
  t.equal(peak, 1234 + aec.latencySamples, 'impulse delayed by exactly the reported latency');

  const bad = new EchoCanceller({ sampleRate: 16000 });
  const capture = new Int16Array(320).fill(123);
  const result = new Int16Array(320);
  bad.process(new Int16Array(160), capture, result);
  t.equal(bad.stats.rejectedFrames, 1, 'mismatched lengths are counted');
  t.equal(result[100], 123, 'and the capture passes through');

  t.throws(() => new EchoCanceller({ sampleRate: 11025 }), RangeError);
  t.throws(() => new EchoCanceller({ sampleRate: 16000, tailMs: 2 }), RangeError);
  t.throws(() => new EchoCanceller({ sampleRate: 16000, maxDelayMs: 900 }), RangeError);
});
