/**
 * The mixer's output limiter: a sum of several talkers can exceed 16 bits,
 * and wrapping (or hard clipping) is the harsh sound conference bridges are
 * known for. This is a block-wise peak limiter with a soft knee:
 *
 * - the frame is cut into 1 ms blocks; a block whose peak exceeds the
 *   threshold (−1 dBFS) gets the gain that brings it to the threshold, reached
 *   by a linear ramp across the block (gain changes never step);
 * - when the peaks fall again the gain recovers with a 50 ms release;
 * - anything the ramp lets through above the knee (−3 dBFS) is bent by a tanh
 *   curve that approaches, but never reaches, full scale: no wrap-around and
 *   no flat-topped clipping.
 *
 * Input is float in 16-bit units (the mixer sums there); output is Int16.
 * One limiter per output stream (it keeps the gain between frames). A pure
 * processor: `process()` allocates nothing.
 */

const FULL_SCALE = 32767;
const THRESHOLD = FULL_SCALE * 10 ** (-1 / 20);
const KNEE = FULL_SCALE * 10 ** (-3 / 20);
const BLOCK_MS = 1;
const RELEASE_MS = 50;

export class SoftLimiter {
  readonly #blockSamples: number;
  /** Gain recovery per block towards the target (one-pole coefficient). */
  readonly #release: number;
  #gain = 1;
  /** Samples the limiter turned down (gain < 1 or knee), for stats. */
  limitedSamples = 0;

  constructor(sampleRate: number) {
    this.#blockSamples = Math.max(1, Math.round((sampleRate * BLOCK_MS) / 1000));
    this.#release = 1 - Math.exp(-BLOCK_MS / RELEASE_MS);
  }

  /** Writes `gain · input[0..length)` into `output`, limited. */
  process(input: Float32Array, output: Int16Array, length: number, gain = 1): void {
    const block = this.#blockSamples;
    let g = this.#gain;
    for (let start = 0; start < length; start += block) {
      const end = Math.min(length, start + block);
      let peak = 0;
      for (let i = start; i < end; i++) {
        const a = Math.abs((input[i] as number) * gain);
        if (a > peak) peak = a;
      }
      const target = peak > THRESHOLD ? THRESHOLD / peak : 1;
      const next = target < g ? target : g + (target - g) * this.#release;
      const step = (next - g) / (end - start);
      for (let i = start; i < end; i++) {
        g += step;
        output[i] = shape((input[i] as number) * gain * g);
      }
      g = next;
      if (next < 1) this.limitedSamples += end - start;
    }
    this.#gain = g;
  }

  reset(): void {
    this.#gain = 1;
  }
}

/** Identity below the knee; above it a tanh bend towards (never past) full scale. */
export function shape(x: number): number {
  const a = x < 0 ? -x : x;
  if (a <= KNEE) return Math.round(x);
  const bent = KNEE + (FULL_SCALE - KNEE) * Math.tanh((a - KNEE) / (FULL_SCALE - KNEE));
  return Math.round(x < 0 ? -bent : bent);
}
