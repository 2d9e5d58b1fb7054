import t from 'tap';
import { createRnnoiseSuppressor } from '../../dsp/rnnoise.js';
import { noisyAtRate, processInFrames } from './helpers/noisy-at-rate.js';
import { scoreSuppression } from './helpers/suppression-score.js';

const MIN_REDUCTION_DB = 20;
const MAX_SPEECH_LOSS_DB = 1;

t.test('RNNoise on speech in noise at 10 dB SNR: >= 20 dB noise reduction, <= 1 dB speech loss', async (t) => {
  for (const [rate, colour] of [
    [48000, 'pink'],
    [16000, 'white'],
    [16000, 'brown'],
    [8000, 'pink'],
  ] as const) {
    const mix = await noisyAtRate({ colour, snrDb: 10, seed: 5 }, rate);
    const rnnoise = await createRnnoiseSuppressor({ sampleRate: rate });
    const output = processInFrames(mix, (input, out) => rnnoise.process(input, out));
    const score = scoreSuppression(mix, output, rnnoise.delaySamples);
    const label = `${colour} noise at ${rate} Hz`;
    t.ok(score.noiseReductionDb >= MIN_REDUCTION_DB, `${label}: noise reduced by ${score.noiseReductionDb.toFixed(1)} dB`);
    t.ok(score.speechChangeDb >= -MAX_SPEECH_LOSS_DB, `${label}: speech level change ${score.speechChangeDb.toFixed(2)} dB`);
    rnnoise.destroy();
  }
});

t.test('frames that are not a multiple of 10 ms pass through and are counted', async (t) => {
  const rnnoise = await createRnnoiseSuppressor({ sampleRate: 16000 });
  const odd = Int16Array.from({ length: 100 }, (_, i) => i);
  const out = new Int16Array(100);
  rnnoise.process(odd, out);
  t.same(out, odd);
  t.equal(rnnoise.stats.badFrames, 1);
  rnnoise.process(new Int16Array(320), new Int16Array(320));
  t.equal(rnnoise.stats.blocks, 2, 'a 20 ms frame is two 480-sample blocks at 48 kHz');
  rnnoise.destroy();
  rnnoise.destroy();
  await t.rejects(createRnnoiseSuppressor({ sampleRate: 11025 }), RangeError);
});

t.test('reset() forgets the stream: the same input gives the same output again', async (t) => {
  const rnnoise = await createRnnoiseSuppressor({ sampleRate: 16000 });
  const input = Int16Array.from({ length: 3200 }, (_, i) => Math.round(4000 * Math.sin(i / 7) + ((i * 7919) % 601) - 300));
  const run = (): Int16Array => {
    const out = new Int16Array(input.length);
    for (let i = 0; i < input.length; i += 320) rnnoise.process(input.subarray(i, i + 320), out.subarray(i, i + 320));
    return out;
  };
  const first = run();
  const continued = run();
  rnnoise.reset();
  const second = run();
  t.same(second, first, 'after reset the output repeats exactly');
  t.notSame(continued, first, 'without reset the state carries on (the check can fail)');
  t.equal(rnnoise.stats.badFrames, 0);
  rnnoise.destroy();
});
