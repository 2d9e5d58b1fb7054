import t from 'tap';
import { createResampler, RESAMPLER_RATES, DEFAULT_RESAMPLER_QUALITY } from '../../dsp/resampler.js';
import { fitTone, generateTone } from '../helpers/audio.js';
import { sweepResampler } from './helpers/resampler-sweep.js';

const PAIRS = RESAMPLER_RATES.flatMap((a) => RESAMPLER_RATES.filter((b) => b !== a).map((b) => [a, b] as const));

t.test('every pair gives exactly length·out/in samples for 10, 20 and 30 ms frames', async (t) => {
  for (const [inRate, outRate] of PAIRS) {
    const resampler = await createResampler({ inputRate: inRate, outputRate: outRate });
    const counts: number[] = [];
    for (const ms of [20, 20, 10, 30, 20]) {
      const input = new Int16Array((inRate * ms) / 1000);
      const output = new Int16Array(resampler.maxOutputLength(input.length));
      counts.push(resampler.process(input, output));
    }
    t.same(counts, [20, 20, 10, 30, 20].map((ms) => (outRate * ms) / 1000), `${inRate} -> ${outRate}`);
    resampler.destroy();
  }
});

t.test('odd input lengths keep the running output total exact', async (t) => {
  const resampler = await createResampler({ inputRate: 48000, outputRate: 8000 });
  const output = new Int16Array(64);
  let totalIn = 0;
  let totalOut = 0;
  for (const length of [7, 13, 100, 1, 59, 6, 250, 3]) {
    totalOut += resampler.process(new Int16Array(length), output);
    totalIn += length;
    t.ok(Math.abs(totalOut - totalIn / 6) <= 1, `after ${totalIn} in: ${totalOut} out`);
  }
  resampler.destroy();
});

t.test('sine sweeps: flat passband, aliases and images rejected, for every pair', async (t) => {
  for (const [inRate, outRate] of PAIRS) {
    const sweep = await sweepResampler(inRate, outRate);
    const label = `${inRate} -> ${outRate}`;
    t.ok(sweep.passbandRippleDb <= 0.05, `${label}: passband ripple ${sweep.passbandRippleDb.toFixed(4)} dB <= 0.05 dB`);
    t.ok(sweep.passbandMinGainDb >= -0.05, `${label}: passband loss ${sweep.passbandMinGainDb.toFixed(4)} dB >= -0.05 dB`);
    t.ok(sweep.stopbandRejectionDb >= 80, `${label}: ${outRate > inRate ? 'images' : 'aliases'} ${sweep.stopbandRejectionDb.toFixed(1)} dB down (>= 80)`);
  }
});

t.test('the sweep catches a poor filter (quality 0 leaks)', async (t) => {
  const sweep = await sweepResampler(48000, 8000, 0);
  t.ok(sweep.passbandMinGainDb < -0.5 || sweep.stopbandRejectionDb < 80, 'quality 0 fails the bar the default passes');
  t.equal(DEFAULT_RESAMPLER_QUALITY, 5);
});

t.test('frame by frame equals one shot: no clicks at frame boundaries', async (t) => {
  for (const [inRate, outRate] of [
    [8000, 48000],
    [48000, 16000],
    [24000, 32000],
  ] as const) {
    const input = generateTone({ frequency: 1000, dbfs: -3, sampleRate: inRate, durationMs: 400 });
    const whole = await createResampler({ inputRate: inRate, outputRate: outRate });
    const reference = new Int16Array(whole.maxOutputLength(input.length));
    const referenceLength = whole.process(input, reference);
    const framed = await createResampler({ inputRate: inRate, outputRate: outRate });
    const joined = new Int16Array(reference.length);
    const scratch = new Int16Array(framed.maxOutputLength(inRate));
    let written = 0;
    // Irregular cuts: 20 ms frames, then odd sizes.
    const cuts = [inRate / 50, inRate / 50, 37, 1, inRate / 100, 501];
    for (let offset = 0, c = 0; offset < input.length; c++) {
      const length = Math.min(cuts[c % cuts.length] ?? 1, input.length - offset);
      const n = framed.process(input.subarray(offset, offset + length), scratch);
      joined.set(scratch.subarray(0, n), written);
      written += n;
      offset += length;
    }
    t.equal(written, referenceLength, `${inRate} -> ${outRate}: same length`);
    t.same(joined.subarray(0, written), reference.subarray(0, referenceLength), `${inRate} -> ${outRate}: identical samples`);
    // And the joined output is a clean tone everywhere (a click would show as residual).
    const settle = (outRate * 20) / 1000;
    const fit = fitTone(joined.subarray(settle, written), 1000, outRate);
    t.ok(fit.snrDb > 70, `${inRate} -> ${outRate}: tone SNR ${fit.snrDb.toFixed(1)} dB > 70`);
    whole.destroy();
    framed.destroy();
  }
});

t.test('delaySamples is the measured group delay of an impulse', async (t) => {
  for (const [inRate, outRate] of [
    [8000, 16000],
    [48000, 8000],
  ] as const) {
    const resampler = await createResampler({ inputRate: inRate, outputRate: outRate });
    const input = new Int16Array(inRate / 10);
    input[0] = 20000;
    const output = new Int16Array(resampler.maxOutputLength(input.length));
    const n = resampler.process(input, output);
    let peakAt = 0;
    for (let i = 0; i < n; i++) if (Math.abs(output[i] ?? 0) > Math.abs(output[peakAt] ?? 0)) peakAt = i;
    t.ok(Math.abs(peakAt - resampler.delaySamples) <= 1, `${inRate} -> ${outRate}: peak at ${peakAt}, delaySamples ${resampler.delaySamples}`);
    resampler.destroy();
  }
});

t.test('same rate is an exact copy with no delay', async (t) => {
  const resampler = await createResampler({ inputRate: 16000, outputRate: 16000 });
  const input = generateTone({ frequency: 440, dbfs: -10, sampleRate: 16000, samples: 320 });
  const output = new Int16Array(320);
  t.equal(resampler.process(input, output), 320);
  t.same(output, input);
  t.equal(resampler.delaySamples, 0);
});

t.test('bad options throw at creation; a short output buffer counts the overflow', async (t) => {
  await t.rejects(createResampler({ inputRate: 44100, outputRate: 8000 }), RangeError);
  await t.rejects(createResampler({ inputRate: 8000, outputRate: 16000, quality: 11 }), RangeError);
  const resampler = await createResampler({ inputRate: 8000, outputRate: 16000 });
  const written = resampler.process(new Int16Array(160), new Int16Array(100));
  t.ok(written <= 100, 'never writes past the buffer');
  t.ok(resampler.stats.overflowSamples > 0, `dropped input counted (${resampler.stats.overflowSamples})`);
  resampler.destroy();
  resampler.destroy();
  t.equal(resampler.process(new Int16Array(160), new Int16Array(320)), 0, 'a destroyed resampler writes nothing');
});
