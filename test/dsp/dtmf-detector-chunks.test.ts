/**
 * The detector keeps its sub-blocks across `process` calls and skips work on
 * quiet windows: how the stream is cut into calls must not change a single
 * event, and digits between quiet stretches and loud non-DTMF audio are still
 * found.
 */
import t from 'tap';
import { DtmfDetector, renderDtmf, type DtmfEvent } from '../../dsp/index.js';

function tone(rate: number, hz: number, ms: number, amplitude: number): Int16Array {
  const out = new Int16Array(Math.round((rate * ms) / 1000));
  for (let i = 0; i < out.length; i++) out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * hz * i) / rate));
  return out;
}

function concat(parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function run(pcm: Int16Array, rate: number, chunk: (i: number) => number): DtmfEvent[] {
  const detector = new DtmfDetector({ sampleRate: rate });
  const events: DtmfEvent[] = [];
  let at = 0;
  for (let i = 0; at < pcm.length; i++) {
    const n = Math.min(chunk(i), pcm.length - at);
    events.push(...detector.process(pcm, at, n));
    at += n;
  }
  return events;
}

for (const rate of [8000, 16000, 48000]) {
  t.test(`${rate} Hz: same events whatever the call sizes; quiet and loud non-DTMF stretches between digits`, async (t) => {
    const silence = new Int16Array(rate / 10);
    const pcm = concat([
      silence,
      renderDtmf('5', { sampleRate: rate }),
      tone(rate, 440, 200, 12000),
      renderDtmf('#', { sampleRate: rate }),
      tone(rate, 1000, 120, 20),
      renderDtmf('9', { sampleRate: rate }),
      silence,
    ]);
    const whole = run(pcm, rate, () => pcm.length);
    t.same(
      whole.filter((e) => e.type === 'end').map((e) => e.digit),
      ['5', '#', '9'],
      'every digit found once',
    );
    t.same(run(pcm, rate, () => (rate / 1000) * 20), whole, '20 ms frames');
    t.same(run(pcm, rate, (i) => 1 + ((i * 37) % 211)), whole, 'ragged chunks');
    t.same(run(pcm, rate, () => 1), whole, 'one sample at a time');
  });
}
