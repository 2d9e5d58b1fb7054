/**
 * MOS bands with hysteresis: good ≥ 4.0 > fair ≥ 3.1 > poor. A level only
 * changes once the MOS is past the band edge by `hysteresis`, so a call
 * hovering at 4.0 does not flap between good and fair on every report.
 * Pure: the caller decides when to evaluate (every RTCP interval).
 */
import type { QualityLevel } from '../protocol.js';

export const GOOD_MOS = 4.0;
export const FAIR_MOS = 3.1;
export const DEFAULT_HYSTERESIS = 0.1;

/** Bands from best to worst, each with its lowest MOS. */
const BANDS: readonly { readonly level: QualityLevel; readonly min: number }[] = [
  { level: 'good', min: GOOD_MOS },
  { level: 'fair', min: FAIR_MOS },
  { level: 'poor', min: Number.NEGATIVE_INFINITY },
];

const RANK: Readonly<Record<QualityLevel, number>> = { good: 0, fair: 1, poor: 2 };

export function bandOf(mos: number): QualityLevel {
  for (const band of BANDS) if (mos >= band.min) return band.level;
  return 'poor';
}

export class QualityMonitor {
  readonly #hysteresis: number;
  /** A call starts presumed good: the first report only speaks up when it is not. */
  #level: QualityLevel = 'good';

  constructor(hysteresis = DEFAULT_HYSTERESIS) {
    this.#hysteresis = hysteresis;
  }

  get level(): QualityLevel {
    return this.#level;
  }

  /** Feeds one MOS estimate; returns the new level when it changed, else null. */
  evaluate(mos: number): QualityLevel | null {
    const raw = bandOf(mos);
    if (raw === this.#level) return null;
    // Judge the MOS as if it were `hysteresis` closer to the current band.
    const worse = RANK[raw] > RANK[this.#level];
    const next = bandOf(worse ? mos + this.#hysteresis : mos - this.#hysteresis);
    if (next === this.#level) return null;
    this.#level = next;
    return next;
  }

  reset(): void {
    this.#level = 'good';
  }
}
