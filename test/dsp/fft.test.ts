import t from 'tap';
import { RealFft } from '../../dsp/fft.js';

/** Direct O(n²) DFT as the oracle. */
function naiveDft(x: Float32Array): { re: Float64Array; im: Float64Array } {
  const n = x.length;
  const re = new Float64Array(n / 2 + 1);
  const im = new Float64Array(n / 2 + 1);
  for (let k = 0; k <= n / 2; k++) {
    let sumRe = 0;
    let sumIm = 0;
    for (let i = 0; i < n; i++) {
      sumRe += (x[i] ?? 0) * Math.cos((2 * Math.PI * k * i) / n);
      sumIm -= (x[i] ?? 0) * Math.sin((2 * Math.PI * k * i) / n);
    }
    re[k] = sumRe;
    im[k] = sumIm;
  }
  return { re, im };
}

function randomSignal(n: number, seed: number): Float32Array {
  let state = seed;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 2 ** 31 - 1;
  }
  return out;
}

t.test('forward matches a direct DFT for every size 4..1024', async (t) => {
  for (let n = 4; n <= 1024; n *= 2) {
    const x = randomSignal(n, n);
    const fft = new RealFft(n);
    const spectrum = new Float32Array(n + 2);
    fft.forward(x, spectrum);
    const { re, im } = naiveDft(x);
    let maxError = 0;
    for (let k = 0; k <= n / 2; k++) {
      maxError = Math.max(maxError, Math.abs((spectrum[2 * k] ?? 0) - (re[k] ?? 0)), Math.abs((spectrum[2 * k + 1] ?? 0) - (im[k] ?? 0)));
    }
    t.ok(maxError < 1e-4 * Math.sqrt(n), `n=${n}: max bin error ${maxError.toExponential(2)}`);
  }
});

t.test('inverse(forward(x)) reconstructs x', async (t) => {
  for (const n of [4, 16, 256, 512]) {
    const x = randomSignal(n, 7 + n);
    const fft = new RealFft(n);
    const spectrum = new Float32Array(n + 2);
    const back = new Float32Array(n);
    fft.forward(x, spectrum);
    fft.inverse(spectrum, back);
    let maxError = 0;
    for (let i = 0; i < n; i++) maxError = Math.max(maxError, Math.abs((back[i] ?? 0) - (x[i] ?? 0)));
    t.ok(maxError < 1e-5, `n=${n}: max sample error ${maxError.toExponential(2)}`);
  }
});

t.test('a pure cosine lands in its bin', async (t) => {
  const n = 64;
  const x = new Float32Array(n).map((_, i) => Math.cos((2 * Math.PI * 5 * i) / n));
  const spectrum = new Float32Array(n + 2);
  new RealFft(n).forward(x, spectrum);
  t.ok(Math.abs((spectrum[10] ?? 0) - n / 2) < 1e-4, 'bin 5 holds n/2');
  t.ok(Math.abs(spectrum[12] ?? 0) < 1e-4, 'bin 6 is empty');
});

t.test('rejects sizes that are not powers of two', async (t) => {
  t.throws(() => new RealFft(48), RangeError);
  t.throws(() => new RealFft(2), RangeError);
});

t.test('the optional windows multiply the input of forward and the output of inverse', async (t) => {
  const n = 32;
  const fft = new RealFft(n);
  const x = randomSignal(n, 3);
  const w = new Float32Array(n).map((_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n));
  const windowed = x.map((v, i) => v * (w[i] ?? 0));
  const a = new Float32Array(n + 2);
  const b = new Float32Array(n + 2);
  fft.forward(x, a, w);
  fft.forward(windowed, b);
  t.ok(a.every((v, i) => Math.abs(v - (b[i] ?? 0)) < 1e-5), 'forward(x, w) = forward(x·w)');
  const back = new Float32Array(n);
  fft.inverse(b, back, w);
  t.ok(back.every((v, i) => Math.abs(v - (windowed[i] ?? 0) * (w[i] ?? 0)) < 1e-5), 'inverse(X, w) = inverse(X)·w');
});
