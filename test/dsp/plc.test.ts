import t from 'tap';
import { PacketLossConcealer } from '../../dsp/index.js';
import { readAudioFixture } from '../helpers/wav.js';
import { decimateBy2 } from './helpers/echo-path.js';
import { lossPattern, lossSegments, playRepeatLast, playWithConcealer, playZeroFill, segmentalSnr } from './helpers/packet-loss.js';

const RATE = 8000;
const FRAME = 160;

function tone(freq: number, samples: number, start = 0, amplitude = 10000, rate = RATE): Int16Array {
  const out = new Int16Array(samples);
  for (let i = 0; i < samples; i++) out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * freq * (start + i)) / rate));
  return out;
}

function rms(pcm: Int16Array, from: number, to: number): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += (pcm[i] ?? 0) ** 2;
  return Math.sqrt(sum / (to - from));
}

t.test('concealment continues the waveform, fades over 60 ms, then is silent', async (t) => {
  const plc = new PacketLossConcealer({ sampleRate: RATE });
  const history = tone(250, 8 * FRAME);
  plc.observe(history);
  const out = new Int16Array(5 * FRAME);
  for (let f = 0; f < 5; f++) plc.conceal(out, f * FRAME, FRAME);

  // The first samples continue the 250 Hz tone where it left off (period 32 samples), fading by 1/480 per sample.
  const expected = tone(250, 16, 8 * FRAME);
  for (let i = 0; i < 16; i++) {
    t.ok(Math.abs((out[i] ?? 0) - (expected[i] ?? 0)) < 400, `sample ${i} continues the tone`);
  }
  const levels = [0, 1, 2, 3, 4].map((f) => rms(out, f * FRAME, (f + 1) * FRAME));
  const [l0 = 0, l1 = 0, l2 = 0, l3 = -1, l4 = -1] = levels;
  t.ok(l0 > l1 && l1 > l2 && l2 > 0, `level falls frame by frame: ${levels.map(Math.round).join(', ')}`);
  t.ok(l0 > 0.75 * rms(history, 0, history.length), 'the first frame is still near full level');
  t.equal(l3, 0, 'silent after three frames (60 ms)');
  t.equal(l4, 0);
});

t.test('a long loss cycles more pitch periods (no buzz): two after 10 ms, three after 20 ms', async (t) => {
  // A history whose last three 100 Hz periods differ in amplitude: the concealment must reuse all three.
  const plc = new PacketLossConcealer({ sampleRate: RATE });
  const period = 80;
  const history = new Int16Array(6 * period);
  for (let i = 0; i < history.length; i++) {
    const cycle = Math.floor(i / period);
    history[i] = Math.round((4000 + 2000 * (cycle % 3)) * Math.sin((2 * Math.PI * i) / period));
  }
  plc.observe(history);
  const out = new Int16Array(3 * FRAME);
  plc.conceal(out, 0, out.length);
  const peakOf = (from: number): number => Math.max(...Array.from(out.subarray(from, from + period), Math.abs));
  // Normalise by the fade to compare the cycle's amplitudes.
  const shape = (from: number): number => peakOf(from) / (1 - (from + period / 2) / 480);
  const early = shape(0);
  t.ok(Math.abs(early - shape(period)) < 300, 'first 10 ms repeat one period');
  const later = [2, 3, 4].map((p) => Math.round(shape(p * period)));
  t.ok(Math.max(...later) - Math.min(...later) > 1000, `after 20 ms the periods differ (${later.join(', ')}): older periods are in the cycle`);
});

t.test('a non-periodic history is continued in 15 ms pieces at 30%', async (t) => {
  const plc = new PacketLossConcealer({ sampleRate: RATE });
  const noise = new Int16Array(4 * FRAME);
  let seed = 12345;
  for (let i = 0; i < noise.length; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    noise[i] = ((seed >>> 16) % 8000) - 4000;
  }
  plc.observe(noise);
  const out = new Int16Array(FRAME);
  plc.conceal(out, 0, FRAME);
  const piece = Math.ceil(RATE / 66);
  t.equal(out[0], Math.round(0.3 * (noise[noise.length - piece] ?? 0)), 'starts 15 ms back, at 30%');
  t.equal(out[10], Math.round(0.3 * (noise[noise.length - piece + 10] ?? 0) * (1 - 10 / 480)));
});

t.test('resume: returning audio is merged when the junction jumps, untouched when it continues', async (t) => {
  const period = 32;
  // Discontinuous: the audio comes back a quarter period early (a peak where the concealment crosses zero).
  const jumpy = new PacketLossConcealer({ sampleRate: RATE });
  jumpy.observe(tone(250, 8 * FRAME));
  const lost = new Int16Array(FRAME);
  jumpy.conceal(lost, 0, FRAME);
  const back = tone(250, FRAME, 9 * FRAME + (3 * period) / 4);
  const original = Int16Array.from(back);
  jumpy.resume(back);
  t.ok(Math.abs(original[0] ?? 0) > 9000, 'the returning audio starts at a peak');
  t.ok(Math.abs(back[0] ?? 0) < 0.2 * Math.abs(original[0] ?? 0), `first sample cross-faded from the concealment (${original[0]} → ${back[0]})`);
  t.same(back.subarray(period / 4), original.subarray(period / 4), 'only the first quarter period is touched');

  // Continuous: the audio resumes exactly where the tone would be.
  const smooth = new PacketLossConcealer({ sampleRate: RATE });
  smooth.observe(tone(250, 8 * FRAME));
  smooth.conceal(new Int16Array(FRAME), 0, FRAME);
  const resumed = tone(250, FRAME, 9 * FRAME);
  const kept = Int16Array.from(resumed);
  smooth.resume(resumed);
  t.same(resumed, kept, 'a continuous junction is left alone');

  // After the concealment faded out, audio fades back in.
  const faded = new PacketLossConcealer({ sampleRate: RATE });
  faded.observe(tone(250, 8 * FRAME));
  faded.conceal(new Int16Array(4 * FRAME), 0, 4 * FRAME);
  const again = tone(250, FRAME, 12 * FRAME + 8);
  const peak = again[0] ?? 0;
  faded.resume(again);
  t.ok(Math.abs(again[0] ?? 0) < Math.abs(peak) / 4, 'fades in after silence');
});

t.test('observe takes returning audio as it is', async (t) => {
  const plc = new PacketLossConcealer({ sampleRate: RATE });
  plc.observe(tone(250, 8 * FRAME));
  plc.conceal(new Int16Array(FRAME), 0, FRAME);
  const back = tone(250, FRAME, 9 * FRAME + 24);
  const original = Int16Array.from(back);
  plc.observe(back);
  t.same(back, original, 'untouched');
  const next = new Int16Array(FRAME);
  plc.conceal(next, 0, FRAME);
  t.ok(rms(next, 0, FRAME) > 3000, 'and a new loss starts afresh');
});

t.test('real audio resets the fade; no history conceals with silence', async (t) => {
  const empty = new PacketLossConcealer({ sampleRate: RATE });
  const out = new Int16Array(FRAME).fill(7);
  empty.conceal(out, 0, FRAME);
  t.ok(out.every((v) => v === 0), 'nothing to repeat: silence');

  const plc = new PacketLossConcealer({ sampleRate: RATE });
  plc.observe(tone(200, 4 * FRAME));
  const lost = new Int16Array(4 * FRAME);
  plc.conceal(lost, 0, 4 * FRAME);
  t.equal(rms(lost, 3 * FRAME, 4 * FRAME), 0);
  plc.observe(tone(200, 4 * FRAME));
  const again = new Int16Array(FRAME);
  plc.conceal(again, 0, FRAME);
  t.ok(rms(again, 0, FRAME) > 3000, 'a new loss after good audio starts at full level again');
  plc.reset();
  plc.conceal(again, 0, FRAME);
  t.equal(rms(again, 0, FRAME), 0, 'reset forgets the history');
});

t.test('works at wideband rates', async (t) => {
  const plc = new PacketLossConcealer({ sampleRate: 48000 });
  const history = tone(200, 4800, 0, 8000, 48000);
  plc.observe(history);
  const out = new Int16Array(960);
  plc.conceal(out, 0, 960);
  const expectedFirst = Math.round(8000 * Math.sin((2 * Math.PI * 200 * history.length) / 48000));
  t.ok(Math.abs((out[0] ?? 0) - expectedFirst) < 200, 'continues the tone at 48 kHz');
});

t.test('10% random loss on speech: concealed frames beat zero fill and repeating the last frame', async (t) => {
  const seeds = [1, 2, 3, 4, 5];
  for (const name of ['speech-male-16k.wav', 'speech-female-16k.wav']) {
    for (const rate of [16000, 8000]) {
      const wideband = readAudioFixture(name).samples;
      const clean = rate === 16000 ? wideband : decimateBy2(wideband);
      const frame = rate / 50;
      const frames = Math.floor(clean.length / frame);
      const score = { plc: 0, zero: 0, repeat: 0 };
      for (const seed of seeds) {
        const lost = lossPattern(frames, 0.1, seed);
        const concealed = lossSegments(lost, frame, frame);
        const plc = playWithConcealer(clean, frame, lost, new PacketLossConcealer({ sampleRate: rate }));
        score.plc += segmentalSnr(clean, plc, concealed, frame).db / seeds.length;
        score.zero += segmentalSnr(clean, playZeroFill(clean, frame, lost), concealed, frame).db / seeds.length;
        score.repeat += segmentalSnr(clean, playRepeatLast(clean, frame, lost), concealed, frame).db / seeds.length;
      }
      const label = `${name} at ${rate / 1000} kHz`;
      t.ok(score.plc > score.zero, `${label}: lost frames ${score.plc.toFixed(2)} dB > zero fill ${score.zero.toFixed(2)} dB`);
      t.ok(score.plc > score.repeat, `${label}: lost frames ${score.plc.toFixed(2)} dB > repeat ${score.repeat.toFixed(2)} dB`);
    }
  }
});
