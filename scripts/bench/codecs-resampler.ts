/**
 * A small rational-ratio resampler for the codec benchmark's transcodes
 * (decode → resample → encode) until the DSP issue's resampler is the one
 * the media path uses: a Hann-windowed sinc low-pass at the lower Nyquist,
 * polyphase, 8 zero crossings each side, state carried across frames.
 */
const ZERO_CROSSINGS = 8;

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

export class IntegerResampler {
  readonly #up: number;
  readonly #down: number;
  /** Filter taps per phase (input samples each output sample looks at) and the taps, [phase][tap]. */
  readonly #taps: number;
  readonly #coeffs: Float64Array;
  readonly #history: Float64Array;
  #fill: number;
  /** Position of the next output sample, in 1/up input samples from the start of the next input frame. */
  #position = 0;

  constructor(fromRate: number, toRate: number) {
    const g = gcd(fromRate, toRate);
    this.#up = toRate / g;
    this.#down = fromRate / g;
    // Below 1 when downsampling: the low-pass sits at the output's Nyquist.
    const cutoff = Math.min(1, this.#up / this.#down);
    this.#taps = 2 * Math.ceil(ZERO_CROSSINGS / cutoff);
    const half = this.#taps / 2;
    this.#coeffs = new Float64Array(this.#up * this.#taps);
    for (let phase = 0; phase < this.#up; phase++) {
      for (let k = 0; k < this.#taps; k++) {
        // Distance in input samples from the output instant (delayed by `half`) to tap k.
        const x = k - half + 1 - phase / this.#up;
        const arg = x * cutoff;
        const sinc = arg === 0 ? 1 : Math.sin(Math.PI * arg) / (Math.PI * arg);
        const window = 0.5 + 0.5 * Math.cos((Math.PI * x) / (half + 1));
        this.#coeffs[phase * this.#taps + k] = sinc * window * cutoff;
      }
    }
    this.#history = new Float64Array(this.#taps + 16384);
    this.#fill = this.#taps;
  }

  /** Resamples one frame `input` into `out`; frames must hold a whole number of ratio periods (20 ms always does). */
  process(input: Int16Array, out: Int16Array): void {
    const h = this.#history;
    const taps = this.#taps;
    if (this.#fill + input.length > h.length) {
      h.copyWithin(0, this.#fill - taps, this.#fill);
      this.#fill = taps;
    }
    const base = this.#fill;
    for (let i = 0; i < input.length; i++) h[base + i] = input[i] as number;
    this.#fill += input.length;
    const up = this.#up;
    const down = this.#down;
    const n = (input.length * up) / down;
    let position = this.#position;
    for (let j = 0; j < n; j++) {
      const index = base + Math.floor(position / up);
      const c = (position % up) * taps;
      const start = index - taps + 1;
      let acc = 0;
      for (let k = 0; k < taps; k++) acc += (h[start + k] as number) * (this.#coeffs[c + k] as number);
      out[j] = acc > 32767 ? 32767 : acc < -32768 ? -32768 : Math.round(acc);
      position += down;
    }
    this.#position = position - input.length * up;
  }
}
