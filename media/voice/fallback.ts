/**
 * The frame a transformed leg gets when its transform output is not there in
 * time: low comfort noise, silence, or the raw input (passthrough, which the
 * settings layer never allows for anonymising transforms).
 */
import { ComfortNoiseGenerator } from '../../dsp/index.js';
import type { VoiceFallback } from './settings.js';

/** Comfort-noise level: audible as "line still open", far below speech. */
export const FALLBACK_NOISE_DBOV = -60;

type Renderer = (out: Int16Array, raw: Int16Array, noise: () => ComfortNoiseGenerator) => void;

const RENDERERS: Readonly<Record<VoiceFallback, Renderer>> = {
  'comfort-noise': (out, _raw, noise) => noise().fill(out),
  silence: (out) => out.fill(0),
  passthrough: (out, raw) => out.set(raw.subarray(0, out.length)),
};

export class FallbackFrames {
  #kind: VoiceFallback;
  #noise: ComfortNoiseGenerator | null = null;
  #sampleRate: number;
  readonly #seed: number;

  constructor(kind: VoiceFallback, sampleRate: number, seed: number) {
    this.#kind = kind;
    this.#sampleRate = sampleRate;
    this.#seed = seed;
  }

  get kind(): VoiceFallback {
    return this.#kind;
  }

  set kind(kind: VoiceFallback) {
    this.#kind = kind;
  }

  /** Writes the fallback for this frame into `out` (`raw` is the untransformed input). */
  render(out: Int16Array, raw: Int16Array, sampleRate: number): void {
    if (sampleRate !== this.#sampleRate) {
      this.#sampleRate = sampleRate;
      this.#noise = null;
    }
    RENDERERS[this.#kind](out, raw, this.#generator);
  }

  readonly #generator = (): ComfortNoiseGenerator => {
    this.#noise ??= new ComfortNoiseGenerator({ sampleRate: this.#sampleRate, levelDbov: FALLBACK_NOISE_DBOV, seed: this.#seed });
    return this.#noise;
  };
}
