/**
 * Stepped-sine sweeps through a resampler: passband gain (ripple) and the
 * rejection of aliases (down-sampling) or images (up-sampling). Each tone is
 * fed in 20 ms frames, the filter's start-up is skipped, and a sine is
 * least-squares fitted to the output: the fitted power against the input
 * tone's gives the passband gain; the residual is the leaked alias/image.
 */
import { fitTone, generateTone } from '../../helpers/audio.js';
import { createResampler } from '../../../dsp/resampler.js';

/** Level of the test tones: loud, but with headroom for the filter's overshoot. */
const TONE_DBFS = -6;
const TONE_MS = 200;
const SETTLE_MS = 40;
/** The passband is measured up to this fraction of the lower Nyquist frequency (3.4 kHz of 4 kHz). */
export const PASSBAND_EDGE = 0.85;
/** Aliases/images are measured from this fraction of the lower Nyquist frequency up. */
export const STOPBAND_EDGE = 1.15;
const STEPS = 24;

export interface SweepResult {
  /** Max minus min passband gain, dB. */
  readonly passbandRippleDb: number;
  /** Worst passband gain, dB (negative = loss). */
  readonly passbandMinGainDb: number;
  /** Worst-case rejection of aliases/images over the swept tones, dB. */
  readonly stopbandRejectionDb: number;
}

async function runTone(inRate: number, outRate: number, frequency: number, quality: number | undefined): Promise<Int16Array> {
  const resampler = await createResampler({ inputRate: inRate, outputRate: outRate, ...(quality === undefined ? {} : { quality }) });
  const input = generateTone({ frequency, dbfs: TONE_DBFS, sampleRate: inRate, durationMs: TONE_MS });
  const frameIn = inRate / 50;
  const output = new Int16Array(resampler.maxOutputLength(input.length));
  const frameOut = new Int16Array(resampler.maxOutputLength(frameIn));
  let written = 0;
  for (let i = 0; i + frameIn <= input.length; i += frameIn) {
    const n = resampler.process(input.subarray(i, i + frameIn), frameOut);
    output.set(frameOut.subarray(0, n), written);
    written += n;
  }
  resampler.destroy();
  const settle = (SETTLE_MS * outRate) / 1000;
  return output.subarray(settle, written);
}

export async function sweepResampler(inRate: number, outRate: number, quality?: number): Promise<SweepResult> {
  const lowNyquist = Math.min(inRate, outRate) / 2;
  const inputTonePower = (32768 * 10 ** (TONE_DBFS / 20)) ** 2 / 2;
  let minGain = Infinity;
  let maxGain = -Infinity;
  let worstRejection = Infinity;
  for (let s = 0; s < STEPS; s++) {
    const f = 50 + ((PASSBAND_EDGE * lowNyquist - 50) * s) / (STEPS - 1);
    const out = await runTone(inRate, outRate, f, quality);
    const fit = fitTone(out, f, outRate);
    const gain = 10 * Math.log10(fit.tonePower / inputTonePower);
    minGain = Math.min(minGain, gain);
    maxGain = Math.max(maxGain, gain);
    // Up-sampling: what is not the tone is its images (plus rounding noise).
    if (outRate > inRate) worstRejection = Math.min(worstRejection, fit.snrDb);
  }
  if (outRate < inRate) {
    // Down-sampling: tones above the output's Nyquist must not come through as aliases.
    const inNyquist = inRate / 2;
    for (let s = 0; s < STEPS; s++) {
      const f = STOPBAND_EDGE * lowNyquist + ((0.98 * inNyquist - STOPBAND_EDGE * lowNyquist) * s) / (STEPS - 1);
      const out = await runTone(inRate, outRate, f, quality);
      let power = 0;
      for (const v of out) power += v * v;
      power /= Math.max(1, out.length);
      worstRejection = Math.min(worstRejection, 10 * Math.log10(inputTonePower / Math.max(power, 1e-3)));
    }
  }
  return { passbandRippleDb: maxGain - minGain, passbandMinGainDb: minGain, stopbandRejectionDb: worstRejection };
}
