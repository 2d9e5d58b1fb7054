import t from 'tap';
import { SpectralNoiseSuppressor } from '../../dsp/noise-suppressor.js';
import { fitTone, generateTone } from '../helpers/audio.js';
import { noisyAtRate, processInFrames } from './helpers/noisy-at-rate.js';
import { scoreSuppression } from './helpers/suppression-score.js';

const MIN_REDUCTION_DB = 10;
const MAX_SPEECH_LOSS_DB = 1;

t.test('speech in noise at 10 dB SNR: >= 10 dB noise reduction, <= 1 dB speech loss', async (t) => {
  for (const rate of [8000, 16000, 48000]) {
    for (const colour of ['white', 'pink', 'brown'] as const) {
      const mix = await noisyAtRate({ colour, snrDb: 10, seed: 5 }, rate);
      const ns = new SpectralNoiseSuppressor({ sampleRate: rate });
      const output = processInFrames(mix, (input, out) => ns.process(input, out));
      const score = scoreSuppression(mix, output, ns.delaySamples);
      const label = `${colour} noise at ${rate} Hz`;
      t.ok(score.noiseReductionDb >= MIN_REDUCTION_DB, `${label}: noise reduced by ${score.noiseReductionDb.toFixed(1)} dB`);
      t.ok(score.speechChangeDb >= -MAX_SPEECH_LOSS_DB, `${label}: speech level change ${score.speechChangeDb.toFixed(2)} dB`);
    }
  }
});

t.test('the score catches a suppressor that does nothing', async (t) => {
  const mix = await noisyAtRate({ colour: 'white', snrDb: 10, seed: 5 }, 16000);
  const transparent = new SpectralNoiseSuppressor({ sampleRate: 16000, maxAttenuationDb: 0 });
  const output = processInFrames(mix, (input, out) => transparent.process(input, out));
  const score = scoreSuppression(mix, output, transparent.delaySamples);
  t.ok(score.noiseReductionDb < 1, `0 dB floor: ${score.noiseReductionDb.toFixed(2)} dB reduction`);
});

t.test('with no attenuation it reconstructs the input exactly, delayed by delaySamples', async (t) => {
  for (const rate of [8000, 16000, 24000, 32000, 48000]) {
    const ns = new SpectralNoiseSuppressor({ sampleRate: rate, maxAttenuationDb: 0 });
    const input = generateTone({ frequency: 700, dbfs: -10, sampleRate: rate, durationMs: 300 });
    const output = new Int16Array(input.length);
    // Odd call sizes: the FIFO must not depend on frame alignment.
    for (let i = 0, c = 0; i < input.length; c++) {
      const n = Math.min([rate / 50, 37, rate / 100, 1][c % 4] ?? 1, input.length - i);
      ns.process(input.subarray(i, i + n), output.subarray(i, i + n));
      i += n;
    }
    let worst = 0;
    for (let i = ns.delaySamples; i < input.length; i++) worst = Math.max(worst, Math.abs((output[i] ?? 0) - (input[i - ns.delaySamples] ?? 0)));
    t.ok(worst <= 1, `${rate} Hz: max error ${worst} LSB at delay ${ns.delaySamples} (${((1000 * ns.delaySamples) / rate).toFixed(1)} ms)`);
  }
});

t.test('a tone that starts after noise passes: the suppressor follows speech-like onsets', async (t) => {
  const mix = await noisyAtRate({ colour: 'white', snrDb: 10, seed: 2 }, 16000);
  const ns = new SpectralNoiseSuppressor({ sampleRate: 16000 });
  const out = new Int16Array(320);
  for (let f = 0; f < 50; f++) ns.process(mix.noise.subarray(f * 320, (f + 1) * 320), out);
  const tone = generateTone({ frequency: 500, dbfs: -20, sampleRate: 16000, durationMs: 500 });
  const result = new Int16Array(tone.length);
  for (let f = 0; f < 25; f++) ns.process(tone.subarray(f * 320, (f + 1) * 320), result.subarray(f * 320, (f + 1) * 320));
  const fit = fitTone(result.subarray(4000), 500, 16000);
  t.ok(Math.abs(10 * Math.log10(fit.tonePower / ((32768 * 10 ** (-20 / 20)) ** 2 / 2))) < 1, 'tone level kept within 1 dB');
  t.throws(() => new SpectralNoiseSuppressor({ sampleRate: 4000 }), RangeError);
});
