/**
 * The labelled speech-in-noise mix at another rate: clean speech and noise
 * are resampled separately (same filter, same delay) and summed, so the
 * clean reference still lines up with the mix and the 20 ms labels.
 */
import { createResampler } from '../../../dsp/resampler.js';
import { cleanSpeechTrack, FIXTURE_RATE, mixSpeechInNoise, type MixOptions, type SpeechInNoise } from './speech-in-noise.js';

async function resample(pcm: Int16Array, rate: number): Promise<Int16Array> {
  if (rate === FIXTURE_RATE) return pcm;
  const resampler = await createResampler({ inputRate: FIXTURE_RATE, outputRate: rate });
  const out = new Int16Array(resampler.maxOutputLength(pcm.length));
  const n = resampler.process(pcm, out);
  resampler.destroy();
  return out.subarray(0, n);
}

let cachedClean: Int16Array | undefined;

export async function noisyAtRate(options: Omit<MixOptions, 'clean'>, rate: number): Promise<SpeechInNoise> {
  cachedClean ??= cleanSpeechTrack();
  const mix = mixSpeechInNoise({ ...options, clean: cachedClean });
  if (rate === FIXTURE_RATE) return mix;
  const clean = await resample(mix.clean, rate);
  const noise = await resample(mix.noise, rate);
  const mixed = clean.map((c, i) => Math.max(-32768, Math.min(32767, c + (noise[i] ?? 0))));
  return { sampleRate: rate, clean, noise, mixed, labels: mix.labels };
}

/** Runs a frame processor over the whole mix in 20 ms frames. */
export function processInFrames(mix: SpeechInNoise, process: (input: Int16Array, output: Int16Array) => void): Int16Array {
  const frame = mix.sampleRate / 50;
  const output = new Int16Array(mix.mixed.length);
  for (let i = 0; i + frame <= output.length; i += frame) process(mix.mixed.subarray(i, i + frame), output.subarray(i, i + frame));
  return output;
}
