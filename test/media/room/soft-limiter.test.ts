import t from 'tap';
import { SoftLimiter, shape } from '../../../media/room/soft-limiter.js';

t.test('below the knee the limiter is transparent', async (t) => {
  const limiter = new SoftLimiter(8000);
  const input = Float32Array.from({ length: 160 }, (_, i) => 10000 * Math.sin(i / 3));
  const out = new Int16Array(160);
  limiter.process(input, out, 160);
  t.ok(out.every((v, i) => Math.abs(v - (input[i] ?? 0)) <= 0.5), 'identity (rounded)');
  t.equal(limiter.limitedSamples, 0);
});

t.test('a sum far above full scale never wraps and never sits flat at full scale', async (t) => {
  const limiter = new SoftLimiter(8000);
  const out = new Int16Array(160);
  let flat = 0;
  let wrapped = 0;
  for (let frame = 0; frame < 20; frame++) {
    // Four −3 dBFS tones summed: peaks near 4 × 23000.
    const input = Float32Array.from({ length: 160 }, (_, i) => {
      const n = frame * 160 + i;
      return [440, 550, 660, 770].reduce((sum, f) => sum + 23000 * Math.sin((2 * Math.PI * f * n) / 8000), 0);
    });
    limiter.process(input, out, 160);
    for (let i = 0; i < 160; i++) {
      const x = input[i] ?? 0;
      const y = out[i] ?? 0;
      if (Math.abs(x) > 1000 && Math.sign(x) !== Math.sign(y)) wrapped++;
      if (Math.abs(y) >= 32767) flat++;
    }
  }
  t.equal(wrapped, 0, 'no sign flips (wrap-around)');
  t.equal(flat, 0, 'no samples at full scale (hard clipping)');
  t.ok(limiter.limitedSamples > 0, 'the limiter engaged');
});

t.test('the knee curve is monotonic and bounded', async (t) => {
  let previous = -Infinity;
  let bad = 0;
  for (let x = 0; x < 200000; x += 97) {
    const y = shape(x);
    if (y < previous || y > 32767) bad++;
    previous = y;
  }
  t.equal(bad, 0, 'non-decreasing and never above full scale');
  t.equal(shape(-50000), -shape(50000), 'odd symmetry');
});
