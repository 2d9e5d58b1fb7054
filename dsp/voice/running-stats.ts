/**
 * The caller's running voice statistics, for target-speaker conversion: a
 * running median of F0 (a histogram in quarter-tone bins with exponential
 * forgetting, ~10 s memory) and running means of ln F1..F3 (~1 s memory).
 * Both start from a neutral prior worth a fraction of a second of speech, so
 * the first syllables are converted with plausible ratios and the real
 * statistics take over quickly. O(1) per update except the median (one pass
 * over 100 bins).
 */
import type { VoiceProfile } from './types.js';

const LOW_HZ = 50;
const BINS_PER_OCTAVE = 24;
const BINS = 4 * BINS_PER_OCTAVE; // 50 Hz … 800 Hz
/** Per-update growth of the increment (exponential forgetting without touching every bin). */
const F0_FORGET = 1 + 1 / 2500;
const FORMANT_RATE = 1 / 250;
const PRIOR_F0 = 140;
const PRIOR_WEIGHT = 25;
const PRIOR_FORMANTS = [500, 1500, 2500];

export class RunningVoiceStats {
  readonly #histogram = new Float64Array(BINS);
  #increment = 1;
  #total = 0;
  readonly #logFormants = new Float64Array(3);

  constructor() {
    this.reset();
  }

  reset(): void {
    this.#histogram.fill(0);
    this.#increment = 1;
    this.#histogram[binOf(PRIOR_F0)] = PRIOR_WEIGHT;
    this.#total = PRIOR_WEIGHT;
    PRIOR_FORMANTS.forEach((f, i) => (this.#logFormants[i] = Math.log(f)));
  }

  addF0(f0: number): void {
    const bin = binOf(f0);
    this.#histogram[bin] = (this.#histogram[bin] ?? 0) + this.#increment;
    this.#total += this.#increment;
    this.#increment *= F0_FORGET;
    if (this.#increment > 1e12) {
      const scale = 1 / this.#increment;
      for (let i = 0; i < BINS; i++) this.#histogram[i] = (this.#histogram[i] ?? 0) * scale;
      this.#total *= scale;
      this.#increment = 1;
    }
  }

  /** F1..F3 (Hz) of one voiced frame; `count` of them valid. */
  addFormants(formants: Float64Array, count: number): void {
    for (let i = 0; i < Math.min(3, count); i++) {
      const f = formants[i] ?? 0;
      if (f > 0) this.#logFormants[i] = (this.#logFormants[i] ?? 0) + FORMANT_RATE * (Math.log(f) - (this.#logFormants[i] ?? 0));
    }
  }

  medianF0(): number {
    const half = this.#total / 2;
    let acc = 0;
    for (let i = 0; i < BINS; i++) {
      const w = this.#histogram[i] ?? 0;
      if (acc + w >= half && w > 0) return hzOf(i + (half - acc) / w);
      acc += w;
    }
    return PRIOR_F0;
  }

  formant(index: number): number {
    return Math.exp(this.#logFormants[index] ?? 0);
  }

  /** Semitones that move this caller's median F0 to the profile's. */
  semitonesTo(profile: VoiceProfile): number {
    return 12 * Math.log2(profile.f0Median / this.medianF0());
  }

  /** ln of the formant ratio towards the profile: mean of ln(F_i target / F_i caller) over F1..F3. */
  logFormantRatioTo(profile: VoiceProfile): number {
    let sum = 0;
    let n = 0;
    for (let i = 0; i < 3; i++) {
      const target = profile.formants[i];
      if (target === undefined || !(target > 0)) continue;
      sum += Math.log(target) - (this.#logFormants[i] ?? 0);
      n++;
    }
    return n === 0 ? 0 : sum / n;
  }
}

function binOf(f0: number): number {
  const bin = Math.floor(BINS_PER_OCTAVE * Math.log2(f0 / LOW_HZ));
  return Math.min(BINS - 1, Math.max(0, bin));
}

function hzOf(position: number): number {
  return LOW_HZ * 2 ** (position / BINS_PER_OCTAVE);
}
