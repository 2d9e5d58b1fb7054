import t from 'tap';
import { AutomaticGainControl, DEFAULT_TARGET_DBFS } from '../../dsp/agc.js';
import { createVad, type VoiceActivityDetector } from '../../dsp/vad.js';
import { generateNoise } from './helpers/speech-in-noise.js';
import { activeLevelDbfs, speechAtLevel } from './helpers/agc-signals.js';

const RATE = 16000;
const FRAME = 320;
const FRAMES_PER_SECOND = 50;
const MAX_SLEW_DB_PER_S = 6;
const TOLERANCE_DB = 2;
const SETTLE_S = 3;

interface Run {
  readonly output: Int16Array;
  /** AGC gain after each frame, dB. */
  readonly gains: readonly number[];
  readonly peak: number;
}

function run(agc: AutomaticGainControl, vad: VoiceActivityDetector, input: Int16Array): Run {
  const output = new Int16Array(input.length);
  const gains: number[] = [];
  let peak = 0;
  for (let f = 0; (f + 1) * FRAME <= input.length; f++) {
    const frame = input.subarray(f * FRAME, (f + 1) * FRAME);
    const out = output.subarray(f * FRAME, (f + 1) * FRAME);
    agc.process(frame, out, vad.process(frame));
    gains.push(agc.gainDb);
    for (const v of out) peak = Math.max(peak, Math.abs(v));
  }
  return { output, gains, peak };
}

function maxSlewDbPerSecond(gains: readonly number[], initial: number): number {
  let worst = 0;
  let previous = initial;
  for (const g of gains) {
    worst = Math.max(worst, Math.abs(g - previous) * FRAMES_PER_SECOND);
    previous = g;
  }
  return worst;
}

t.test('speech from -45 to -6 dBFS comes out at -18 dBFS +-2 dB within 3 s, slewing <= 6 dB/s, never clipping', async (t) => {
  for (const fixture of ['speech-male-16k.wav', 'speech-female-16k.wav']) {
    for (const level of [-45, -35, -25, -18, -12, -6]) {
      const speech = speechAtLevel(fixture, level, 2);
      const vad = await createVad({ sampleRate: RATE });
      const agc = new AutomaticGainControl({ sampleRate: RATE });
      const initial = agc.gainDb;
      const result = run(agc, vad, speech.pcm);
      vad.destroy();
      const onset = speech.labels.indexOf(true);
      const settled = speech.labels.map((isSpeech, f) => isSpeech && f >= onset + SETTLE_S * FRAMES_PER_SECOND);
      const outLevel = activeLevelDbfs(result.output, settled);
      const label = `${fixture.slice(7, -8)} at ${speech.levelDbfs.toFixed(1)} dBFS`;
      t.ok(Math.abs(outLevel - DEFAULT_TARGET_DBFS) <= TOLERANCE_DB, `${label}: ${outLevel.toFixed(1)} dBFS after 3 s`);
      const slew = maxSlewDbPerSecond(result.gains, initial);
      t.ok(slew <= MAX_SLEW_DB_PER_S + 1e-9, `${label}: gain slew ${slew.toFixed(2)} dB/s`);
      t.ok(result.peak < 32767, `${label}: peak ${result.peak} below full scale`);
    }
  }
});

t.test('noise alone is not pumped up; the gain holds through pauses after speech', async (t) => {
  for (const colour of ['white', 'pink', 'brown'] as const) {
    const shape = generateNoise(colour, 10 * RATE, 9);
    let power = 0;
    for (const v of shape) power += v * v;
    const scale = Math.sqrt(((32768 ** 2 / 2) * 10 ** (-50 / 10)) / (power / shape.length));
    const noise = Int16Array.from(shape, (v) => Math.round(v * scale));
    const vad = await createVad({ sampleRate: RATE });
    const agc = new AutomaticGainControl({ sampleRate: RATE });
    const initial = agc.gainDb;
    const result = run(agc, vad, noise);
    vad.destroy();
    const worst = Math.max(...result.gains.map((g) => g - initial));
    t.ok(worst <= 0.5, `${colour} noise at -50 dBFS for 10 s: gain rose at most ${worst.toFixed(2)} dB`);
  }
  const speech = speechAtLevel('speech-male-16k.wav', -30, 1);
  const quietNoise = Int16Array.from(generateNoise('white', 5 * RATE, 4), (v) => Math.round(v * 30));
  const input = new Int16Array(speech.pcm.length + quietNoise.length);
  input.set(speech.pcm);
  input.set(quietNoise, speech.pcm.length);
  const vad = await createVad({ sampleRate: RATE });
  const agc = new AutomaticGainControl({ sampleRate: RATE });
  const result = run(agc, vad, input);
  vad.destroy();
  const speechFrames = speech.pcm.length / FRAME;
  const atSpeechEnd = result.gains[speechFrames - 1] ?? 0;
  const later = Math.max(...result.gains.slice(speechFrames));
  t.ok(later - atSpeechEnd <= 0.5, `5 s of noise after speech: gain ${atSpeechEnd.toFixed(1)} -> at most ${later.toFixed(1)} dB`);
});

t.test('the limiter holds a full-scale burst under the ceiling', async (t) => {
  const agc = new AutomaticGainControl({ sampleRate: RATE, initialGainDb: 20 });
  const square = new Int16Array(FRAME).map((_, i) => (i % 40 < 20 ? 30000 : -30000));
  const out = new Int16Array(FRAME);
  agc.process(square, out, false);
  const peak = Math.max(...out.map((v) => Math.abs(v)));
  t.ok(peak <= 29205, `peak ${peak} <= -1 dBFS (29205)`);
  t.ok(agc.stats.limitedSamples > 0, 'limiting counted');
  t.throws(() => new AutomaticGainControl({ sampleRate: RATE, minGainDb: 10, maxGainDb: 0 }), RangeError);
});

t.test('a gain change is spread over the frame (no step at the boundary)', async (t) => {
  const agc = new AutomaticGainControl({ sampleRate: RATE, initialGainDb: 0 });
  const quiet = new Int16Array(FRAME).fill(100);
  const out = new Int16Array(FRAME);
  agc.process(quiet, out, true); // speech at about -47 dBFS: the gain starts rising
  t.ok(agc.gainDb > 0, `gain moved to ${agc.gainDb.toFixed(3)} dB`);
  t.equal(out[0], 100, 'the first sample still has the old gain');
  t.ok((out[FRAME - 1] ?? 0) > 100, 'the last sample has the new one');
  agc.reset();
  t.equal(agc.gainDb, 0);
  t.ok(Number.isNaN(agc.speechLevelDbfs));
});
