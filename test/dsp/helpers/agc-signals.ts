/**
 * Speech at a chosen active level for the AGC tests: the speech fixtures,
 * scaled so their active speech level (mean power over the labelled speech
 * frames, AES17 dBFS) is the requested one, hard-clipped at 16 bits as a
 * loud talker's capture would be.
 */
import { readAudioFixture } from '../../helpers/wav.js';
import { labelSpeech, labelledPower } from './speech-in-noise.js';

const FULL_SCALE_SINE_POWER = 32768 ** 2 / 2;

export function activeLevelDbfs(pcm: Int16Array, labels: readonly boolean[]): number {
  return 10 * Math.log10(labelledPower(pcm, labels, true) / FULL_SCALE_SINE_POWER);
}

export interface LeveledSpeech {
  readonly pcm: Int16Array;
  readonly labels: readonly boolean[];
  /** Active level actually reached (clipping can lower it a little at the loud end). */
  readonly levelDbfs: number;
}

/** `repeats` copies of a speech fixture back to back, scaled to `dbfs` active level. */
export function speechAtLevel(fixture: string, dbfs: number, repeats = 2): LeveledSpeech {
  const one = readAudioFixture(fixture).samples;
  const frame = 320;
  const length = Math.floor(one.length / frame) * frame;
  const clean = new Int16Array(length * repeats);
  for (let r = 0; r < repeats; r++) clean.set(one.subarray(0, length), r * length);
  const labels = labelSpeech(clean);
  const scale = 10 ** ((dbfs - activeLevelDbfs(clean, labels)) / 20);
  const pcm = clean.map((s) => Math.max(-32768, Math.min(32767, Math.round(s * scale))));
  return { pcm, labels, levelDbfs: activeLevelDbfs(pcm, labels) };
}
