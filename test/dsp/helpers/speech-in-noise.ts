/**
 * Labelled speech in noise for the VAD, noise-suppression and AGC tests.
 *
 * The clean speech fixtures are joined with pauses, a noise of a chosen colour
 * is generated from a seeded PRNG, and it is scaled so that the active speech
 * level (mean power over the speech frames) is `snrDb` above the noise's mean
 * power. Labels come from the clean speech only: a 20 ms frame is speech when
 * its energy is within `LABEL_RANGE_DB` of the loudest frame; gaps shorter
 * than `LABEL_GAP_FILL_MS` inside words (stop closures) are filled, the usual
 * smoothing of energy-derived reference labels.
 */
import { readAudioFixture } from '../../helpers/wav.js';

export const FIXTURE_RATE = 16000;
export const LABEL_FRAME_MS = 20;
const LABEL_FRAME = (FIXTURE_RATE * LABEL_FRAME_MS) / 1000;
/** A frame is speech when its clean energy is within this of the loudest frame. */
export const LABEL_RANGE_DB = 35;
/** Non-speech runs shorter than this between speech frames are labelled speech. */
export const LABEL_GAP_FILL_MS = 100;
const LEAD_MS = 1500;
const PAUSE_MS = 1500;

export type NoiseColour = 'white' | 'pink' | 'brown' | 'babble';

export interface SpeechInNoise {
  readonly sampleRate: number;
  readonly clean: Int16Array;
  readonly noise: Int16Array;
  /** clean + noise, clamped to 16 bits. */
  readonly mixed: Int16Array;
  /** One boolean per 20 ms frame: true = speech. */
  readonly labels: readonly boolean[];
}

/** mulberry32: a small, well-mixed 32-bit PRNG (deterministic fixtures). */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 2 ** 32;
  };
}

function gaussian(random: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** Unit-variance-ish noise of a colour (scaled afterwards, so only the shape matters). */
export function generateNoise(colour: NoiseColour, length: number, seed: number): Float64Array {
  const normal = gaussian(prng(seed));
  const out = new Float64Array(length);
  if (colour === 'white') {
    for (let i = 0; i < length; i++) out[i] = normal();
  } else if (colour === 'pink') {
    // Paul Kellet's refined 1/f filter (-3 dB/octave within 0.5 dB above 10 Hz at 44.1 kHz).
    let b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0, b6 = 0;
    for (let i = 0; i < length; i++) {
      const w = normal();
      b0 = 0.99886 * b0 + w * 0.0555179;
      b1 = 0.99332 * b1 + w * 0.0750759;
      b2 = 0.969 * b2 + w * 0.153852;
      b3 = 0.8665 * b3 + w * 0.3104856;
      b4 = 0.55 * b4 + w * 0.5329522;
      b5 = -0.7616 * b5 - w * 0.016898;
      out[i] = b0 + b1 + b2 + b3 + b4 + b5 + b6 + w * 0.5362;
      b6 = w * 0.115926;
    }
  } else if (colour === 'brown') {
    // Leaky integrator: -6 dB/octave above ~25 Hz (car/engine-like rumble).
    let y = 0;
    for (let i = 0; i < length; i++) {
      y = 0.99 * y + normal();
      out[i] = y;
    }
  } else {
    // Babble: several time-shifted, differently scaled copies of both speakers.
    const voices = [readAudioFixture('speech-male-16k.wav').samples, readAudioFixture('speech-female-16k.wav').samples];
    const random = prng(seed);
    for (let v = 0; v < 6; v++) {
      const voice = voices[v % voices.length] ?? new Int16Array(1);
      const shift = Math.floor(random() * voice.length);
      const gain = 0.5 + random();
      for (let i = 0; i < length; i++) out[i] = (out[i] ?? 0) + gain * (voice[(i + shift) % voice.length] ?? 0);
    }
  }
  return out;
}

function frameEnergies(pcm: Int16Array): Float64Array {
  const frames = Math.floor(pcm.length / LABEL_FRAME);
  const energies = new Float64Array(frames);
  for (let f = 0; f < frames; f++) {
    let sum = 0;
    for (let i = f * LABEL_FRAME; i < (f + 1) * LABEL_FRAME; i++) sum += (pcm[i] ?? 0) ** 2;
    energies[f] = sum / LABEL_FRAME;
  }
  return energies;
}

/** Reference labels from clean speech energy (see the file comment). */
export function labelSpeech(clean: Int16Array): boolean[] {
  const energies = frameEnergies(clean);
  const loudest = Math.max(...energies);
  const threshold = loudest * 10 ** (-LABEL_RANGE_DB / 10);
  const labels = Array.from(energies, (e) => e >= threshold);
  const maxGap = LABEL_GAP_FILL_MS / LABEL_FRAME_MS;
  let lastSpeech = -1;
  for (let f = 0; f < labels.length; f++) {
    if (!labels[f]) continue;
    if (lastSpeech >= 0 && f - lastSpeech - 1 < maxGap) for (let g = lastSpeech + 1; g < f; g++) labels[g] = true;
    lastSpeech = f;
  }
  return labels;
}

/** Both speech fixtures with a noise-only lead-in, a pause between and a tail. */
export function cleanSpeechTrack(): Int16Array {
  const male = readAudioFixture('speech-male-16k.wav').samples;
  const female = readAudioFixture('speech-female-16k.wav').samples;
  const lead = (FIXTURE_RATE * LEAD_MS) / 1000;
  const pause = (FIXTURE_RATE * PAUSE_MS) / 1000;
  // Whole frames, so labels and samples line up.
  const length = Math.ceil((lead + male.length + pause + female.length + pause) / LABEL_FRAME) * LABEL_FRAME;
  const track = new Int16Array(length);
  track.set(male, lead);
  track.set(female, lead + male.length + pause);
  return track;
}

export interface MixOptions {
  readonly colour: NoiseColour;
  readonly snrDb: number;
  readonly seed?: number;
  /** Clean speech to use (default: `cleanSpeechTrack()`). */
  readonly clean?: Int16Array;
}

export function mixSpeechInNoise(options: MixOptions): SpeechInNoise {
  const clean = options.clean ?? cleanSpeechTrack();
  const labels = labelSpeech(clean);
  const energies = frameEnergies(clean);
  let speechPower = 0;
  let speechFrames = 0;
  labels.forEach((isSpeech, f) => {
    if (isSpeech) {
      speechPower += energies[f] ?? 0;
      speechFrames++;
    }
  });
  speechPower /= Math.max(1, speechFrames);
  const shape = generateNoise(options.colour, clean.length, options.seed ?? 1);
  let noisePower = 0;
  for (const v of shape) noisePower += v * v;
  noisePower /= shape.length;
  const scale = Math.sqrt(speechPower / (noisePower * 10 ** (options.snrDb / 10)));
  const noise = new Int16Array(clean.length);
  const mixed = new Int16Array(clean.length);
  for (let i = 0; i < clean.length; i++) {
    const n = Math.max(-32768, Math.min(32767, Math.round((shape[i] ?? 0) * scale)));
    noise[i] = n;
    mixed[i] = Math.max(-32768, Math.min(32767, (clean[i] ?? 0) + n));
  }
  return { sampleRate: FIXTURE_RATE, clean, noise, mixed, labels };
}

/** Mean power (int16 units²) of the 20 ms frames whose label equals `speech`, for audio at `sampleRate`. */
export function labelledPower(pcm: Int16Array, labels: readonly boolean[], speech: boolean, sampleRate = FIXTURE_RATE): number {
  const frame = (sampleRate * LABEL_FRAME_MS) / 1000;
  let sum = 0;
  let count = 0;
  labels.forEach((isSpeech, f) => {
    if (isSpeech !== speech) return;
    const start = f * frame;
    if (start + frame > pcm.length) return;
    for (let i = start; i < start + frame; i++) sum += (pcm[i] ?? 0) ** 2;
    count += frame;
  });
  return count === 0 ? 0 : sum / count;
}
