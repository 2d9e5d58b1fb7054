/**
 * Level meter: RMS, peak and the RFC 6464 audio level of each frame.
 *
 * Two references, because the standards differ by 3.01 dB:
 * - dBov (RFC 6464 §3, used in the RTP audio-level header extension): 0 dBov
 *   is the overload point, i.e. a full-scale square wave, so
 *   dBov = 10·log10(meanSquare / 32768²) and a full-scale sine reads −3.01.
 * - dBFS (AES17, what our tests and docs quote): a full-scale sine reads 0,
 *   so dBFS = dBov + 3.01.
 * The RFC 6464 level is −dBov rounded and clamped to 0..127, 127 meaning
 * silence (digital silence reads 127).
 */

export const FULL_SCALE = 32768;
/** AES17 dBFS minus dBov: a full-scale sine has mean square FULL_SCALE²/2. */
export const DBFS_MINUS_DBOV = 10 * Math.log10(2);
/** RFC 6464: levels are 0..127 (−dBov); 127 is reported for digital silence and anything quieter. */
export const RFC6464_SILENCE = 127;
/** Floor returned for digital silence instead of −Infinity, in dBov. */
export const SILENCE_DBOV = -127;

/** Mean of the squared samples of `pcm[0..length)` (0 for an empty frame). */
export function meanSquare(pcm: Int16Array, length = pcm.length): number {
  if (length <= 0) return 0;
  let sum = 0;
  for (let i = 0; i < length; i++) {
    const s = pcm[i] as number;
    sum += s * s;
  }
  return sum / length;
}

/** dBov of a mean-square power, floored at SILENCE_DBOV. */
export function powerToDbov(power: number): number {
  if (power <= 0) return SILENCE_DBOV;
  return Math.max(SILENCE_DBOV, 10 * Math.log10(power / (FULL_SCALE * FULL_SCALE)));
}

/** RFC 6464 audio level (0 loudest .. 127 silence) for a level in dBov. */
export function rfc6464Level(dbov: number): number {
  return Math.min(RFC6464_SILENCE, Math.max(0, Math.round(-dbov)));
}

/**
 * Per-frame meter. `process()` updates the fields in place (no allocation), so
 * one meter per leg can be read by the stats/talker code after each frame.
 */
export class LevelMeter {
  /** RMS of the last frame in sample units (0..32768). */
  rms = 0;
  /** Largest absolute sample of the last frame (0..32768). */
  peak = 0;
  /** RMS level of the last frame in dBov (RFC 6464 reference). */
  dbov = SILENCE_DBOV;
  /** RMS level of the last frame in dBFS (AES17 reference). */
  dbfs = SILENCE_DBOV + DBFS_MINUS_DBOV;
  /** Peak of the last frame in dBFS (a full-scale sample reads 0). */
  peakDbfs = SILENCE_DBOV;
  /** RFC 6464 audio level of the last frame: 0 (0 dBov) .. 127 (silence). */
  level = RFC6464_SILENCE;
  /** Frames measured since creation or `reset()`. */
  frames = 0;

  process(pcm: Int16Array, length = pcm.length): void {
    let sum = 0;
    let peak = 0;
    for (let i = 0; i < length; i++) {
      const s = pcm[i] as number;
      sum += s * s;
      const magnitude = s < 0 ? -s : s;
      if (magnitude > peak) peak = magnitude;
    }
    const power = length > 0 ? sum / length : 0;
    this.rms = Math.sqrt(power);
    this.peak = peak;
    this.dbov = powerToDbov(power);
    this.dbfs = this.dbov + DBFS_MINUS_DBOV;
    this.peakDbfs = peak > 0 ? Math.max(SILENCE_DBOV, 20 * Math.log10(peak / FULL_SCALE)) : SILENCE_DBOV;
    this.level = power > 0 ? rfc6464Level(this.dbov) : RFC6464_SILENCE;
    this.frames++;
  }

  reset(): void {
    this.rms = 0;
    this.peak = 0;
    this.dbov = SILENCE_DBOV;
    this.dbfs = SILENCE_DBOV + DBFS_MINUS_DBOV;
    this.peakDbfs = SILENCE_DBOV;
    this.level = RFC6464_SILENCE;
    this.frames = 0;
  }
}
