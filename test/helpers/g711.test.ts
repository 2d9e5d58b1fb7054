import t from 'tap';
import { alawToLinear, g711Decode, g711Encode, linearToAlaw, linearToUlaw, ulawToLinear } from './g711.js';
import { fitTone, generateTone } from './audio.js';

t.test('µ-law reference points (ITU-T G.711 table)', async (t) => {
  t.equal(linearToUlaw(0), 0xff, 'zero encodes to 0xFF');
  t.equal(ulawToLinear(0xff), 0);
  t.equal(ulawToLinear(0x7f), 0, 'negative zero decodes to 0');
  t.equal(ulawToLinear(0x80), 32124, 'largest positive code');
  t.equal(ulawToLinear(0x00), -32124, 'largest negative code');
  t.equal(linearToUlaw(32767), 0x80, 'clips to the largest positive code');
  t.equal(linearToUlaw(-32768), 0x00, 'clips to the largest negative code');
  t.equal(linearToUlaw(-1), 0x7f);
});

t.test('A-law reference points (ITU-T G.711 table)', async (t) => {
  t.equal(linearToAlaw(0), 0xd5, 'zero encodes to 0xD5');
  t.equal(alawToLinear(0xd5), 8);
  t.equal(alawToLinear(0x55), -8);
  t.equal(alawToLinear(0xaa), 32256, 'largest positive code');
  t.equal(alawToLinear(0x2a), -32256, 'largest negative code');
  t.equal(linearToAlaw(32767), 0xaa);
  t.equal(linearToAlaw(-32768), 0x2a);
});

t.test('every code decodes to a value that encodes back to the same code', async (t) => {
  for (const [name, enc, dec] of [
    ['PCMU', linearToUlaw, ulawToLinear],
    ['PCMA', linearToAlaw, alawToLinear],
  ] as const) {
    const bad: number[] = [];
    for (let code = 0; code < 256; code++) {
      const back = enc(dec(code));
      // µ-law has two zeros (0x7F, 0xFF); both decode to 0, which encodes to 0xFF.
      if (back !== code && !(name === 'PCMU' && code === 0x7f && back === 0xff)) bad.push(code);
    }
    t.same(bad, [], `${name}: codes that do not round-trip`);
  }
});

t.test('decoded values are monotonic in the code order', async (t) => {
  // µ-law: 0x00..0x7F negative (most negative first), 0x80..0xFF positive (largest first).
  const mu = Array.from({ length: 128 }, (_, i) => ulawToLinear(0x80 + i));
  t.ok(mu.every((v, i) => i === 0 || v <= (mu[i - 1] ?? Infinity)), 'µ-law positive half decreases');
  const a = Array.from({ length: 128 }, (_, i) => alawToLinear(i ^ 0xd5));
  t.ok(a.every((v, i) => i === 0 || v >= (a[i - 1] ?? -Infinity)), 'A-law positive half increases');
});

t.test('a -10 dBFS tone survives both laws with the SNR G.711 promises (> 35 dB)', async (t) => {
  const tone = generateTone({ frequency: 1000, dbfs: -10, samples: 8000 });
  for (const law of ['PCMU', 'PCMA'] as const) {
    const back = g711Decode(law, g711Encode(law, tone));
    t.equal(back.length, tone.length);
    const fit = fitTone(back, 1000, 8000);
    t.ok(fit.snrDb > 35, `${law} SNR ${fit.snrDb.toFixed(1)} dB`);
  }
});
