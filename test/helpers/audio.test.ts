import t from 'tap';
import {
  activeRegion,
  dominantFrequency,
  fitTone,
  generateTone,
  goertzelPower,
  levelDbfs,
  powerToDbfs,
  rms,
  steadyPart,
} from './audio.js';

t.test('generateTone: length, level and clamping', async (t) => {
  const tone = generateTone({ frequency: 1000, dbfs: -10, durationMs: 500 });
  t.equal(tone.length, 4000, '500 ms at the default 8 kHz');
  t.ok(Math.abs(levelDbfs(tone) - -10) < 0.05, `level ${levelDbfs(tone)}`);
  const peak = tone.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  t.ok(Math.abs(peak - 32768 * 10 ** (-10 / 20)) < 2, 'peak amplitude follows AES17');
  const loud = generateTone({ frequency: 440, dbfs: 6, samples: 160, sampleRate: 16000 });
  t.ok(loud.every((v) => v >= -32768 && v <= 32767), 'clamped to Int16');
  t.equal(loud.length, 160);
});

t.test('rms and levelDbfs', async (t) => {
  t.equal(rms(new Int16Array(0)), 0);
  t.equal(levelDbfs(new Int16Array(10)), -Infinity, 'silence');
  const square = new Int16Array(100).fill(1000);
  t.equal(rms(square), 1000);
  t.ok(Math.abs(powerToDbfs(1000 * 1000) - 20 * Math.log10((1000 * Math.SQRT2) / 32768)) < 1e-9);
});

t.test('goertzelPower measures one component and ignores another', async (t) => {
  const a = generateTone({ frequency: 1000, dbfs: -6, samples: 8000 });
  const b = generateTone({ frequency: 2000, dbfs: -20, samples: 8000 });
  const mix = a.map((v, i) => v + (b[i] ?? 0));
  t.ok(Math.abs(powerToDbfs(goertzelPower(mix, 1000, 8000)) - -6) < 0.1, '1 kHz at -6 dBFS');
  t.ok(Math.abs(powerToDbfs(goertzelPower(mix, 2000, 8000)) - -20) < 0.1, '2 kHz at -20 dBFS');
  t.ok(powerToDbfs(goertzelPower(mix, 3000, 8000)) < -80, 'nothing at 3 kHz');
  t.equal(goertzelPower(new Int16Array(0), 1000, 8000), 0);
});

t.test('dominantFrequency finds off-grid tones to a fraction of a hertz', async (t) => {
  for (const f of [300, 1000, 1234.5, 3400]) {
    const tone = generateTone({ frequency: f, dbfs: -10, samples: 4000 });
    const found = dominantFrequency(tone, 8000);
    t.ok(Math.abs(found - f) < 0.5, `${f} Hz → ${found.toFixed(2)} Hz`);
  }
  const weak = generateTone({ frequency: 500, dbfs: -30, samples: 4000 });
  const strong = generateTone({ frequency: 2500, dbfs: -10, samples: 4000 });
  const both = weak.map((v, i) => v + (strong[i] ?? 0));
  t.ok(Math.abs(dominantFrequency(both, 8000) - 2500) < 0.5, 'the strongest of two tones');
  const wide = generateTone({ frequency: 7000, dbfs: -10, samples: 3200, sampleRate: 16000 });
  t.ok(Math.abs(dominantFrequency(wide, 16000) - 7000) < 0.5, 'at 16 kHz');
});

t.test('fitTone: SNR of a clean tone, of a noisy tone, and of the wrong frequency', async (t) => {
  const tone = generateTone({ frequency: 1000, dbfs: -10, samples: 8000 });
  const clean = fitTone(tone, 1000, 8000);
  t.ok(clean.snrDb > 60, `rounding only: ${clean.snrDb.toFixed(1)} dB`);
  t.ok(Math.abs(powerToDbfs(clean.tonePower) - -10) < 0.01, 'tone power matches the level');

  // Deterministic noise (LCG) at -40 dBFS: expect ~30 dB SNR.
  let seed = 12345;
  const noiseAmplitude = 32768 * 10 ** (-40 / 20) * Math.sqrt(3); // uniform: rms = A/√3, AES17 adds √2
  const noisy = tone.map((v) => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return v + Math.round(((seed / 2 ** 32) * 2 - 1) * noiseAmplitude / Math.SQRT2);
  });
  const fit = fitTone(noisy, 1000, 8000);
  t.ok(Math.abs(fit.snrDb - 30) < 1, `noisy: ${fit.snrDb.toFixed(2)} dB`);

  t.ok(fitTone(tone, 1500, 8000).snrDb < -20, 'a tone at another frequency is all residual');
  t.equal(fitTone(new Int16Array(0), 1000, 8000).snrDb, -Infinity);
});

t.test('activeRegion and steadyPart skip silence and trim the edges', async (t) => {
  const pcm = new Int16Array(8000);
  pcm.set(generateTone({ frequency: 1000, dbfs: -10, samples: 4000 }), 2000);
  t.same(activeRegion(pcm, 8000), { start: 2000, end: 6000 });
  t.equal(activeRegion(new Int16Array(800), 8000), null);
  const steady = steadyPart(pcm, 8000, 100);
  t.equal(steady.length, 4000 - 2 * 800);
  t.equal(steadyPart(new Int16Array(800), 8000).length, 0);
  t.equal(steadyPart(pcm, 8000, 225).length, 4000 - 2 * 1800, '225 ms trim');
  t.equal(steadyPart(pcm, 8000, 250).length, 0, 'trimming more than the region leaves nothing');
});
