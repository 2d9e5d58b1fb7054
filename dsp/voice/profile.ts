/**
 * `buildVoiceProfile`: target-speaker statistics from a reference recording,
 * measured with the same analysis the processor runs (YIN tracker, LPC
 * envelope, formant peaks), so a caller's running statistics and a profile
 * are directly comparable.
 */
import { VoiceError } from './errors.js';
import { asymmetricWindow, lagWindow, levinson, lpcOrder, windowedAutocorrelation } from './lpc.js';
import { EnvelopeWarper, pickFormants } from './envelope-warp.js';
import { PitchTracker } from './pitch-tracker.js';
import type { VoiceProfile } from './types.js';

export const MIN_PROFILE_SECONDS = 10;
/** Voiced speech needed for stable statistics. */
export const MIN_VOICED_SECONDS = 1;
const BAND_HZ = 250;

function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const at = Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))));
  return sorted[at] ?? 0;
}

export function buildVoiceProfile(name: string, samples: Int16Array, sampleRate: number): VoiceProfile {
  const seconds = samples.length / sampleRate;
  if (!(seconds >= MIN_PROFILE_SECONDS)) {
    throw new VoiceError('ERR_PROFILE_TOO_SHORT', `voice profile "${name}": needs at least ${MIN_PROFILE_SECONDS} s of speech, got ${seconds.toFixed(1)} s`);
  }
  const hop = Math.round(sampleRate * 0.01);
  const order = lpcOrder(sampleRate);
  const ringSize = 2 ** Math.ceil(Math.log2(sampleRate * 0.1));
  const mask = ringSize - 1;
  const ring = new Float64Array(ringSize);
  const window = asymmetricWindow(Math.round(sampleRate * 0.024));
  const windowed = new Float64Array(window.length);
  const lag = lagWindow(order, sampleRate);
  const r = new Float64Array(order + 1);
  const a = new Float64Array(order + 1);
  const scratch = new Float64Array(order + 1);
  const tracker = new PitchTracker(sampleRate);
  const warper = new EnvelopeWarper(order, sampleRate);
  const bands = Math.floor(sampleRate / 2 / BAND_HZ);
  const envelope = new Float64Array(bands);
  const f0s: number[] = [];
  const formantLists: number[][] = [[], [], []];
  const formants = new Float64Array(3);
  let last = 0;
  for (let n = 0; n < samples.length; n++) {
    const raw = samples[n] ?? 0;
    tracker.push(raw);
    ring[n & mask] = raw - 0.9 * last;
    last = raw;
    if ((n + 1) % hop !== 0 || n + 1 < window.length) continue;
    tracker.analyse();
    if (!tracker.voiced) continue;
    f0s.push(sampleRate / tracker.period);
    windowedAutocorrelation(ring, mask, n + 1, window, windowed, order, lag, r);
    if (levinson(r, order, a, scratch) <= 0) continue;
    warper.analyse(a);
    const found = pickFormants(warper, formants);
    for (let i = 0; i < Math.min(3, found); i++) formantLists[i]?.push(formants[i] ?? 0);
    for (let b = 0; b < bands; b++) {
      const bin = Math.min(warper.bins - 1, Math.round(((b + 0.5) * BAND_HZ) / warper.binHz));
      envelope[b] = (envelope[b] ?? 0) + (10 / Math.LN10) * warper.logPowerAt(bin);
    }
  }
  const voicedSeconds = (f0s.length * hop) / sampleRate;
  if (voicedSeconds < MIN_VOICED_SECONDS) {
    throw new VoiceError('ERR_PROFILE_UNVOICED', `voice profile "${name}": only ${voicedSeconds.toFixed(1)} s of voiced speech, need ${MIN_VOICED_SECONDS} s`);
  }
  f0s.sort((x, y) => x - y);
  const medians = formantLists.filter((list) => list.length > 0).map((list) => percentile([...list].sort((x, y) => x - y), 0.5));
  return {
    name,
    sampleRate,
    f0Median: round(percentile(f0s, 0.5)),
    f0Range: [round(percentile(f0s, 0.05)), round(percentile(f0s, 0.95))],
    formants: medians.map(round),
    envelope: Array.from(envelope, (sum) => round(sum / f0s.length)),
    voicedSeconds: round(voicedSeconds),
  };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
