import t from 'tap';
import { DtmfDetector, DtmfGenerator, renderDtmf, type DtmfEvent } from '../../dsp/index.js';
import { readAudioFixture } from '../helpers/wav.js';
import { decimateBy2, whiteNoise } from './helpers/echo-path.js';

// Written out here rather than imported, so the test does not grade the detector with its own tables.
const ROWS = [697, 770, 852, 941];
const COLUMNS = [1209, 1336, 1477, 1633];
const KEYS = ['123A', '456B', '789C', '*0#D'];
const RATES = [8000, 16000, 48000];

interface Burst {
  readonly rate: number;
  readonly row: number;
  readonly column: number;
  readonly ms: number;
  readonly rowDbfs?: number;
  readonly columnDbfs?: number;
  /** Relative frequency error of both tones (0.015 = +1.5%). */
  readonly deviation?: number;
  /** Silence before the burst (varies the alignment with the detector's blocks). */
  readonly leadMs?: number;
}

/** One tone pair between silences (100 ms after, so the digit can end). */
function burst(b: Burst): Int16Array {
  const { rate, ms } = b;
  const lead = Math.round((rate * (b.leadMs ?? 30)) / 1000);
  const n = Math.round((rate * ms) / 1000);
  const out = new Int16Array(lead + n + Math.round(rate / 10));
  const rowAmp = 32768 * 10 ** ((b.rowDbfs ?? -10) / 20);
  const colAmp = 32768 * 10 ** ((b.columnDbfs ?? -10) / 20);
  const scale = 1 + (b.deviation ?? 0);
  const fr = (ROWS[b.row] ?? 0) * scale;
  const fc = (COLUMNS[b.column] ?? 0) * scale;
  for (let i = 0; i < n; i++) {
    out[lead + i] = Math.round(rowAmp * Math.sin((2 * Math.PI * fr * i) / rate + 0.3) + colAmp * Math.sin((2 * Math.PI * fc * i) / rate + 1.1));
  }
  return out;
}

/** Events from running `pcm` through a detector in 20 ms frames. */
function detect(rate: number, pcm: Int16Array): DtmfEvent[] {
  const detector = new DtmfDetector({ sampleRate: rate });
  const frame = rate / 50;
  const events: DtmfEvent[] = [];
  for (let i = 0; i < pcm.length; i += frame) events.push(...detector.process(pcm, i, Math.min(frame, pcm.length - i)));
  return events;
}

/** Digits started, for every key under `variant` (all 16 keys, three alignments). */
function startsForAllKeys(rate: number, variant: Omit<Burst, 'rate' | 'row' | 'column'>): { digits: string; expected: string } {
  let digits = '';
  let expected = '';
  for (let row = 0; row < 4; row++) {
    for (let column = 0; column < 4; column++) {
      for (const leadMs of [30, 32.5, 35]) {
        expected += KEYS[row]?.[column] ?? '';
        digits += detect(rate, burst({ rate, row, column, leadMs, ...variant }))
          .filter((e) => e.type === 'start')
          .map((e) => e.digit)
          .join('');
      }
    }
  }
  return { digits, expected };
}

for (const rate of RATES) {
  t.test(`${rate / 1000} kHz: Q.24 acceptance and rejection`, async (t) => {
    const accept = (label: string, variant: Omit<Burst, 'rate' | 'row' | 'column'>): void => {
      const { digits, expected } = startsForAllKeys(rate, variant);
      t.equal(digits, expected, `accepted: ${label}`);
    };
    const reject = (label: string, variant: Omit<Burst, 'rate' | 'row' | 'column'>): void => {
      t.equal(startsForAllKeys(rate, variant).digits, '', `rejected: ${label}`);
    };
    accept('40 ms tones', { ms: 40 });
    reject('20 ms tones', { ms: 20 });
    accept('+1.5% frequency error', { ms: 60, deviation: 0.015 });
    accept('−1.5% frequency error', { ms: 60, deviation: -0.015 });
    reject('+3.5% frequency error', { ms: 60, deviation: 0.035 });
    reject('−3.5% frequency error', { ms: 60, deviation: -0.035 });
    accept('normal twist 8 dB (row louder)', { ms: 60, rowDbfs: -10, columnDbfs: -18 });
    accept('reverse twist 4 dB (column louder)', { ms: 60, rowDbfs: -14, columnDbfs: -10 });
    reject('normal twist 16 dB', { ms: 60, rowDbfs: -10, columnDbfs: -26 });
    reject('reverse twist 10 dB', { ms: 60, rowDbfs: -20, columnDbfs: -10 });
    accept('quiet tones at −30 dBFS each', { ms: 60, rowDbfs: -30, columnDbfs: -30 });
    reject('tones below the −36 dBFS sensitivity', { ms: 60, rowDbfs: -40, columnDbfs: -40 });
  });
}

t.test('digits in noise, events and durations', async (t) => {
  const rate = 8000;
  const tones = renderDtmf('159#', { sampleRate: rate, toneMs: 80, pauseMs: 60 });
  const noise = whiteNoise(tones.length, -30, 11);
  const noisy = Int16Array.from(tones, (v, i) => Math.round(v + (noise[i] ?? 0)));
  const events = detect(rate, noisy);
  t.same(
    events.map((e) => `${e.type}:${e.digit}`),
    ['start:1', 'end:1', 'start:5', 'end:5', 'start:9', 'end:9', 'start:#', 'end:#'],
    'four digits at 20 dB SNR, each started and ended once',
  );
  for (const end of events.filter((e) => e.type === 'end')) {
    t.ok(Math.abs(end.durationMs - 80) <= 10, `${end.digit} lasted ${end.durationMs} ms (80 sent)`);
  }
  const first = events[0];
  t.ok(first !== undefined && Math.abs(first.sample - 0) <= 60, 'start position within a sub-block of the tone onset');
});

t.test('a 10 ms dropout inside a digit is bridged; a 40 ms pause separates two', async (t) => {
  const rate = 8000;
  const gap = (ms: number): Int16Array => {
    const a = burst({ rate, row: 1, column: 1, ms: 60, leadMs: 20 });
    const cut = Math.round((rate * 20) / 1000) + Math.round((rate * 30) / 1000);
    a.fill(0, cut, cut + Math.round((rate * ms) / 1000));
    return a;
  };
  t.equal(detect(rate, gap(10)).filter((e) => e.type === 'start').length, 1, '10 ms dropout: one digit');
  const twice = new Int16Array(3 * rate / 10);
  const one = burst({ rate, row: 0, column: 0, ms: 50, leadMs: 0 }).subarray(0, Math.round(rate * 0.05));
  twice.set(one, 0);
  twice.set(one, Math.round(rate * 0.09));
  t.equal(detect(rate, twice).filter((e) => e.type === 'start').length, 2, '40 ms pause: two digits');
});

t.test('talk-off: no digits in the speech fixtures', async (t) => {
  for (const name of ['speech-male-16k.wav', 'speech-female-16k.wav']) {
    const speech = readAudioFixture(name).samples;
    for (const gain of [0.3, 1, 1.3]) {
      const scaled = Int16Array.from(speech, (v) => Math.max(-32768, Math.min(32767, Math.round(v * gain))));
      t.same(detect(16000, scaled), [], `${name} ×${gain} at 16 kHz`);
      t.same(detect(8000, decimateBy2(scaled)), [], `${name} ×${gain} at 8 kHz`);
    }
  }
});

t.test('generator → detector round trip at every rate', async (t) => {
  for (const rate of RATES) {
    const pcm = renderDtmf('0123456789*#ABCD', { sampleRate: rate, toneMs: 50, pauseMs: 50 });
    const digits = detect(rate, pcm).filter((e) => e.type === 'start').map((e) => e.digit).join('');
    t.equal(digits, '0123456789*#ABCD', `${rate / 1000} kHz, 50 ms on / 50 ms off`);
  }
});

t.test('generator: levels, frequencies, queue and refusals', async (t) => {
  const rate = 8000;
  const generator = new DtmfGenerator({ sampleRate: rate });
  t.equal(generator.queue('1x2'), 2, 'x is not a key');
  t.equal(generator.refused, 1);
  t.ok(generator.active);
  const out = new Int16Array(rate / 5);
  generator.fill(out);
  // Goertzel-free check: correlate the first 80 ms with the expected 697 + 1209 Hz pair.
  let low = 0;
  let high = 0;
  const n = Math.round(rate * 0.08);
  for (let i = 0; i < n; i++) {
    low += (out[i] ?? 0) * Math.sin((2 * Math.PI * 697 * i) / rate);
    high += (out[i] ?? 0) * Math.sin((2 * Math.PI * 1209 * i) / rate);
  }
  const lowDbfs = 20 * Math.log10((2 * Math.abs(low)) / n / 32768);
  const highDbfs = 20 * Math.log10((2 * Math.abs(high)) / n / 32768);
  t.ok(Math.abs(lowDbfs + 10) < 0.5, `low tone at ${lowDbfs.toFixed(2)} dBFS (−10)`);
  t.ok(Math.abs(highDbfs + 8) < 0.5, `high tone at ${highDbfs.toFixed(2)} dBFS (−8)`);
  t.ok(out.subarray(Math.round(rate * 0.101), Math.round(rate * 0.199)).every((v) => v === 0), 'then 100 ms of pause');
  generator.fill(out);
  generator.fill(out);
  t.notOk(generator.active, 'idle after both digits');
  t.ok(out.every((v) => v === 0), 'idle output is silence');
  generator.queue('9'.repeat(100));
  t.equal(generator.refused, 1 + 100 - 64, 'the queue holds 64 digits');
});
