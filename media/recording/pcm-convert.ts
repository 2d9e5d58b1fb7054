/**
 * Whole-file conversion of decoded WAV audio to mono at a leg's rate, done
 * once when a file is loaded (never per frame). Rates the dsp resampler
 * knows (8/16/24/32/48 kHz) go through it (Speex, quality 5); any other file
 * rate (11.025, 22.05, 44.1 kHz…) through a windowed-sinc interpolator here.
 * Long files are converted in slices with a yield between them so a load
 * never stalls the media clock for long.
 */
import { createResampler, isResamplerRate } from '../../dsp/index.js';
import type { PcmAudio } from './wav-format.js';

/** Input samples converted between two yields to the event loop. */
const SLICE_SAMPLES = 16_000;
/** Zero crossings of the sinc kernel on each side (at the lower of the two rates). */
const SINC_HALF_WIDTH = 16;
/** Cutoff as a fraction of the lower Nyquist frequency (room for the transition band). */
const SINC_CUTOFF = 0.92;

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Averages interleaved channels into one. */
export function downmix(audio: PcmAudio): Int16Array {
  if (audio.channels === 1) return audio.samples;
  const channels = audio.channels;
  const frames = Math.floor(audio.samples.length / channels);
  const mono = new Int16Array(frames);
  for (let i = 0; i < frames; i++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += audio.samples[i * channels + c] ?? 0;
    mono[i] = Math.round(sum / channels);
  }
  return mono;
}

/** `audio` as mono samples at `rate`, time-aligned (the resampler's delay removed). */
export async function toMonoAt(audio: PcmAudio, rate: number): Promise<Int16Array> {
  const mono = downmix(audio);
  if (audio.sampleRate === rate) return mono;
  if (isResamplerRate(audio.sampleRate) && isResamplerRate(rate)) return resampleWithSpeex(mono, audio.sampleRate, rate);
  return resampleWithSinc(mono, audio.sampleRate, rate);
}

async function resampleWithSpeex(input: Int16Array, inputRate: number, outputRate: number): Promise<Int16Array> {
  const resampler = await createResampler({ inputRate, outputRate });
  try {
    const delay = resampler.delaySamples;
    const outputLength = Math.round((input.length * outputRate) / inputRate);
    // Feed zeros after the file so the delayed tail comes out too.
    const tailInput = Math.ceil((delay * inputRate) / outputRate) + 1;
    const padded = new Int16Array(input.length + tailInput);
    padded.set(input);
    const raw = new Int16Array(resampler.maxOutputLength(padded.length) + delay);
    let written = 0;
    for (let offset = 0; offset < padded.length; offset += SLICE_SAMPLES) {
      const slice = padded.subarray(offset, Math.min(padded.length, offset + SLICE_SAMPLES));
      written += resampler.process(slice, raw.subarray(written));
      if (offset + SLICE_SAMPLES < padded.length) await yieldToEventLoop();
    }
    const output = new Int16Array(outputLength);
    output.set(raw.subarray(delay, Math.min(written, delay + outputLength)));
    return output;
  } finally {
    resampler.destroy();
  }
}

/** Blackman-windowed sinc interpolation at an arbitrary ratio (load time only). */
async function resampleWithSinc(input: Int16Array, inputRate: number, outputRate: number): Promise<Int16Array> {
  const outputLength = Math.round((input.length * outputRate) / inputRate);
  const output = new Int16Array(outputLength);
  // Cutoff in cycles per input sample; the kernel widens when downsampling.
  const cutoff = (SINC_CUTOFF * Math.min(inputRate, outputRate)) / (2 * inputRate);
  const halfWidth = SINC_HALF_WIDTH / (2 * cutoff);
  const step = inputRate / outputRate;
  for (let n = 0; n < outputLength; n++) {
    const centre = n * step;
    const first = Math.max(0, Math.ceil(centre - halfWidth));
    const last = Math.min(input.length - 1, Math.floor(centre + halfWidth));
    let sum = 0;
    for (let k = first; k <= last; k++) {
      const x = k - centre;
      const arg = 2 * cutoff * x;
      const sinc = arg === 0 ? 1 : Math.sin(Math.PI * arg) / (Math.PI * arg);
      const w = 0.42 + 0.5 * Math.cos((Math.PI * x) / halfWidth) + 0.08 * Math.cos((2 * Math.PI * x) / halfWidth);
      sum += (input[k] ?? 0) * sinc * w;
    }
    const value = Math.round(sum * 2 * cutoff);
    output[n] = value > 32767 ? 32767 : value < -32768 ? -32768 : value;
    if (n % SLICE_SAMPLES === SLICE_SAMPLES - 1) await yieldToEventLoop();
  }
  return output;
}
