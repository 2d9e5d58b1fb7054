import t from 'tap';
import { PacketLossConcealer } from '../../dsp/index.js';

const RATE = 8000;
const FRAME = 160;

function tone(freq: number, samples: number, start = 0, amplitude = 10000): Int16Array {
  const out = new Int16Array(samples);
  for (let i = 0; i < samples; i++) out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * freq * (start + i)) / RATE));
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

  // The first samples continue the 250 Hz tone where it left off (period 32 samples).
  const expected = tone(250, 16, 8 * FRAME);
  for (let i = 0; i < 16; i++) {
    t.ok(Math.abs((out[i] ?? 0) - (expected[i] ?? 0)) < 300, `sample ${i} continues the tone`);
  }
  const levels = [0, 1, 2, 3, 4].map((f) => rms(out, f * FRAME, (f + 1) * FRAME));
  const [l0 = 0, l1 = 0, l2 = 0, l3 = -1, l4 = -1] = levels;
  t.ok(l0 > l1 && l1 > l2 && l2 > 0, `level falls frame by frame: ${levels.map(Math.round).join(', ')}`);
  t.ok(l0 > 0.6 * rms(history, 0, history.length), 'the first frame is still near full level');
  t.equal(l3, 0, 'silent after three frames');
  t.equal(l4, 0);
});

t.test('an unvoiced history repeats the last 20 ms, faded', async (t) => {
  const plc = new PacketLossConcealer({ sampleRate: RATE });
  // A deterministic pseudo-noise history with no pitch.
  const noise = new Int16Array(4 * FRAME);
  let seed = 12345;
  for (let i = 0; i < noise.length; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    noise[i] = ((seed >>> 16) % 8000) - 4000;
  }
  plc.observe(noise);
  const out = new Int16Array(FRAME);
  plc.conceal(out, 0, FRAME);
  t.equal(out[0], noise[noise.length - FRAME], 'starts from the last frame');
  t.equal(out[10], Math.round((noise[noise.length - FRAME + 10] ?? 0) * (1 - 10 / 480)));
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
});

t.test('works at wideband rates', async (t) => {
  const plc = new PacketLossConcealer({ sampleRate: 48000 });
  const history = new Int16Array(48000 / 10);
  for (let i = 0; i < history.length; i++) history[i] = Math.round(8000 * Math.sin((2 * Math.PI * 200 * i) / 48000));
  plc.observe(history);
  const out = new Int16Array(960);
  plc.conceal(out, 0, 960);
  const expectedFirst = Math.round(8000 * Math.sin((2 * Math.PI * 200 * history.length) / 48000));
  t.ok(Math.abs((out[0] ?? 0) - expectedFirst) < 200, 'continues the tone at 48 kHz');
});
