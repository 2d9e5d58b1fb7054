import t from 'tap';
import { analyseComfortNoise, ComfortNoiseGenerator, decodeComfortNoise, encodeComfortNoise } from '../../dsp/index.js';
import { generateNoise } from './helpers/speech-in-noise.js';

function dbov(pcm: Int16Array): number {
  let sum = 0;
  for (let i = 0; i < pcm.length; i++) sum += (pcm[i] ?? 0) ** 2;
  return 10 * Math.log10(sum / pcm.length / 32768 ** 2);
}

/** Mean power (dBov) in a band, by DFT bins. */
function bandDbov(pcm: Int16Array, rate: number, lowHz: number, highHz: number): number {
  const n = 1024;
  let total = 0;
  let frames = 0;
  for (let start = 0; start + n <= pcm.length; start += n) {
    frames++;
    for (let k = Math.ceil((lowHz * n) / rate); k <= Math.floor((highHz * n) / rate); k++) {
      let re = 0;
      let im = 0;
      for (let i = 0; i < n; i++) {
        const w = (pcm[start + i] ?? 0) * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n));
        re += w * Math.cos((2 * Math.PI * k * i) / n);
        im -= w * Math.sin((2 * Math.PI * k * i) / n);
      }
      total += re * re + im * im;
    }
  }
  return 10 * Math.log10(total / frames);
}

t.test('white comfort noise comes out at the requested level', async (t) => {
  for (const level of [-30, -50, -70]) {
    const cng = new ComfortNoiseGenerator({ sampleRate: 8000, levelDbov: level });
    const out = new Int16Array(16000);
    for (let i = 0; i < out.length; i += 160) cng.fill(out, i, 160);
    const measured = dbov(out);
    t.ok(Math.abs(measured - level) < 0.3, `${level} dBov requested, ${measured.toFixed(2)} measured`);
  }
});

t.test('analyse → RFC 3389 payload → generate keeps level and spectral tilt', async (t) => {
  // Pink (−3 dB/octave) background noise at −45 dBov.
  const raw = generateNoise('pink', 16000, 3);
  let sum = 0;
  for (const v of raw) sum += v * v;
  const scale = Math.sqrt((32768 ** 2 * 10 ** (-45 / 10)) / (sum / raw.length));
  const noise = Int16Array.from(raw, (v) => Math.round(v * scale));
  const params = analyseComfortNoise(noise);
  t.ok(Math.abs(params.levelDbov + 45) < 0.2, `analysed level ${params.levelDbov.toFixed(2)} dBov`);
  t.equal(params.reflection.length, 8);
  const payload = encodeComfortNoise(params);
  t.equal(payload.length, 9, 'level byte + 8 coefficients');
  t.equal(payload[0], 45, 'level byte is −dBov');
  const decoded = decodeComfortNoise(payload);
  if (!decoded) throw new Error('payload did not decode');
  const cng = new ComfortNoiseGenerator({ sampleRate: 8000, seed: 9 });
  cng.set(decoded);
  const out = new Int16Array(16000);
  cng.fill(out);
  t.ok(Math.abs(dbov(out) + 45) < 1, `regenerated at ${dbov(out).toFixed(2)} dBov`);
  for (const [low, high] of [[100, 500], [500, 1000], [1000, 2000], [2000, 3500]] as const) {
    const difference = bandDbov(out, 8000, low, high) - bandDbov(noise, 8000, low, high);
    t.ok(Math.abs(difference) < 2, `${low}–${high} Hz: comfort noise within ${difference.toFixed(1)} dB of the original`);
  }
  const tilt = bandDbov(noise, 8000, 100, 500) - bandDbov(noise, 8000, 2000, 3500);
  // White noise would read 10·log10(400/1500) = −5.7 dB here: a flat comfort noise would miss by 10 dB.
  t.ok(tilt > 3, `the original is far from white (${tilt.toFixed(1)} dB, white −5.7 dB)`);
});

t.test('payload edge cases', async (t) => {
  t.equal(decodeComfortNoise(new Uint8Array(0)), null, 'empty payload');
  t.same(decodeComfortNoise(Uint8Array.of(0x80 | 40)), { levelDbov: -40, reflection: [] }, 'level only; the unused top bit is ignored');
  t.same(encodeComfortNoise({ levelDbov: -200, reflection: [1, -1] }), Uint8Array.of(127, 254, 0), 'levels and coefficients clamp to the byte range');
  const coded = decodeComfortNoise(Uint8Array.of(60, 127, 191));
  t.same(coded?.reflection, [0, 0.5], 'q = 127 is k = 0, q = 191 is k = 0.5');
  const cng = new ComfortNoiseGenerator({ sampleRate: 8000 });
  cng.set({ levelDbov: 10, reflection: [0.999, -0.999, 0.999] });
  t.equal(cng.levelDbov, 0, 'level clamps at 0 dBov');
  const out = new Int16Array(8000);
  cng.fill(out);
  t.ok(out.every((v) => Number.isFinite(v)), 'extreme coefficients stay stable');
  const a = new Int16Array(100);
  const b = new Int16Array(100);
  new ComfortNoiseGenerator({ sampleRate: 8000, levelDbov: -40, seed: 5 }).fill(a);
  new ComfortNoiseGenerator({ sampleRate: 8000, levelDbov: -40, seed: 5 }).fill(b);
  t.same(a, b, 'seeded output is reproducible');
});
