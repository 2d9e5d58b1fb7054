import t from 'tap';
import { DelayEstimator } from '../../../dsp/aec/delay-estimator.js';
import { readAudioFixture } from '../../helpers/wav.js';
import { roomResponse, simulateEcho, whiteNoise } from '../helpers/echo-path.js';

const speech = readAudioFixture('speech-male-16k.wav').samples;

function estimate(delayMs: number, maxDelayMs: number): DelayEstimator {
  const rate = 16000;
  const path = roomResponse({ sampleRate: rate, delayMs, rt60Ms: 200, lengthMs: 120, gainDb: -10, seed: 5 });
  const echo = simulateEcho(speech, [path], [0], 32768);
  const noise = whiteNoise(speech.length, -60, 2);
  const estimator = new DelayEstimator({ sampleRate: rate, maxDelayMs });
  const far = Float32Array.from(speech);
  const near = Float32Array.from(echo, (v, i) => v + (noise[i] ?? 0));
  for (let i = 0; i + 320 <= far.length; i += 320) estimator.push(far.subarray(i, i + 320), near.subarray(i, i + 320), 320);
  return estimator;
}

t.test('finds the bulk delay of a reverberant echo path', async (t) => {
  for (const delayMs of [20, 75, 180]) {
    const estimator = estimate(delayMs, 250);
    const found = (estimator.delaySamples * 1000) / 16000;
    t.ok(Math.abs(found - delayMs) <= 2, `${delayMs} ms path: estimated ${found} ms (peak/RMS ${estimator.peakToRms.toFixed(1)})`);
  }
});

t.test('a delay beyond the search range is not reported; reset forgets', async (t) => {
  const estimator = estimate(300, 200);
  t.ok(estimator.delaySamples < 0 || estimator.delaySamples <= estimator.maxDelaySamples, 'never reports beyond the range');
  t.equal(estimator.maxDelaySamples, 3200);
  estimator.reset();
  t.equal(estimator.delaySamples, -1);
});

t.test('silence and uncorrelated signals give no estimate', async (t) => {
  const estimator = new DelayEstimator({ sampleRate: 8000, maxDelayMs: 250 });
  const a = Float32Array.from(whiteNoise(8000 * 3, -20, 1));
  const b = Float32Array.from(whiteNoise(8000 * 3, -20, 2));
  for (let i = 0; i + 160 <= a.length; i += 160) estimator.push(a.subarray(i, i + 160), b.subarray(i, i + 160), 160);
  t.equal(estimator.delaySamples, -1, 'unrelated noise: nothing published');
});
