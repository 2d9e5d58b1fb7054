/**
 * Scores a noise suppressor on labelled speech in noise (the measures of
 * issue 5): noise reduction on the noise-only frames (input level minus
 * output level) and speech level change on the speech frames (output level
 * minus the clean speech's level there), both after a settling time and with
 * the suppressor's delay compensated.
 */
import { labelledPower, LABEL_FRAME_MS, type SpeechInNoise } from './speech-in-noise.js';

/** The estimators get this long on the noise-only lead-in before scoring starts. */
export const SETTLE_MS = 1000;

export interface SuppressionScore {
  readonly noiseReductionDb: number;
  readonly speechChangeDb: number;
}

export function scoreSuppression(mix: SpeechInNoise, output: Int16Array, delaySamples: number): SuppressionScore {
  const settleFrames = SETTLE_MS / LABEL_FRAME_MS;
  const labels = mix.labels;
  const noiseOnly = labels.map((s, f) => !s && f >= settleFrames);
  const speech = labels.map((s, f) => s && f >= settleFrames);
  // Frames next to speech carry its tails through the suppressor's window: score clear noise only.
  const clearNoise = noiseOnly.map((n, f) => n && !labels[f - 1] && !labels[f + 1] && !labels[f - 2] && !labels[f + 2]);
  const aligned = output.subarray(delaySamples);
  const rate = mix.sampleRate;
  const noiseIn = labelledPower(mix.mixed, clearNoise, true, rate);
  const noiseOut = labelledPower(aligned, clearNoise, true, rate);
  const speechClean = labelledPower(mix.clean, speech, true, rate);
  const speechOut = labelledPower(aligned, speech, true, rate);
  return {
    noiseReductionDb: 10 * Math.log10(noiseIn / Math.max(noiseOut, 1e-9)),
    speechChangeDb: 10 * Math.log10(speechOut / speechClean),
  };
}
