/** Target-speaker profiles and conversion towards them. */
import t from 'tap';
import { buildVoiceProfile, createVoiceProcessor, VoiceError } from '../../../dsp/voice/index.js';
import { readAudioFixture } from '../../helpers/wav.js';
import { concat, synthFricative, synthVowel } from './helpers/synth-voice.js';
import { median, medianFormants, runFrames, trackF0 } from './helpers/measure.js';

const RATE = 16000;
const TARGET_FORMANTS = [800, 1400, 2800];

/** 10.5 s of a synthetic speaker around 210 Hz: vowels with intonation, separated by fricatives. */
function targetSpeaker(): Int16Array {
  const parts: Int16Array[] = [];
  for (let i = 0; i < 7; i++) {
    parts.push(synthVowel({ sampleRate: RATE, seconds: 1.2, f0: (time) => 210 + 20 * Math.sin(2 * Math.PI * (time + i / 7)), formants: TARGET_FORMANTS }));
    parts.push(synthFricative(RATE, 0.3, 5000, i + 1));
  }
  return concat(...parts);
}

t.test('a profile needs 10 s of speech, and voiced speech in it', async (t) => {
  t.throws(() => buildVoiceProfile('short', new Int16Array(RATE * 5), RATE), { code: 'ERR_PROFILE_TOO_SHORT', message: /at least 10 s/ });
  try {
    buildVoiceProfile('noise', synthFricative(RATE, 10.5, 3000), RATE);
    t.fail('noise made a profile');
  } catch (error) {
    t.ok(error instanceof VoiceError && error.code === 'ERR_PROFILE_UNVOICED', (error as Error).message);
  }
});

t.test('profile statistics of a known synthetic speaker', async (t) => {
  const profile = buildVoiceProfile('target', targetSpeaker(), RATE);
  t.equal(profile.name, 'target');
  t.equal(profile.sampleRate, RATE);
  t.ok(Math.abs(profile.f0Median / 210 - 1) < 0.03, `F0 median ${profile.f0Median} Hz`);
  t.ok(profile.f0Range[0] < 200 && profile.f0Range[0] > 180 && profile.f0Range[1] > 220 && profile.f0Range[1] < 240, `F0 range ${profile.f0Range.join('–')} Hz`);
  profile.formants.forEach((f, i) => t.ok(Math.abs(f / (TARGET_FORMANTS[i] ?? 1) - 1) < 0.08, `F${i + 1} ${f} Hz`));
  t.equal(profile.envelope?.length, 32, 'envelope in 250 Hz bands');
  t.ok(JSON.parse(JSON.stringify(profile)), 'a plain JSON object (stored as a file)');
});

t.test('profile of the male speech fixture', async (t) => {
  const { samples } = readAudioFixture('speech-male-16k.wav');
  const profile = buildVoiceProfile('male', samples, RATE);
  t.ok(profile.f0Median > 70 && profile.f0Median < 150, `F0 median ${profile.f0Median} Hz`);
  t.ok((profile.voicedSeconds ?? 0) > 2, `${profile.voicedSeconds} s voiced`);
});

t.test('conversion towards a profile adapts to the caller: F0 to the target median, formants towards it', async (t) => {
  const profile = buildVoiceProfile('target', targetSpeaker(), RATE);
  const caller = synthVowel({ sampleRate: RATE, seconds: 4, f0: (time) => 120 + 10 * Math.sin(2 * Math.PI * time) });
  const processor = createVoiceProcessor({ parameters: { profile } }, RATE, 1);
  const out = runFrames(processor, caller, 320).subarray(processor.latencySamples);
  const lateF0 = median(trackF0(out, RATE).filter((f) => f.time > 2 && f.f0 > 0).map((f) => f.f0));
  t.ok(Math.abs(lateF0 / profile.f0Median - 1) < 0.04, `after 2 s the F0 median is ${lateF0.toFixed(1)} Hz (target ${profile.f0Median})`);
  const before = medianFormants(caller, RATE, 2, 3.9);
  const after = medianFormants(out, RATE, 2, 3.9);
  // The caller's F2/F3 move towards the target's by the profile/caller mean log ratio (≈ ×1.12).
  const want = Math.exp(profile.formants.slice(0, 3).reduce((sum, f, i) => sum + Math.log(f / (before[i] ?? 1)), 0) / 3);
  for (const i of [1, 2]) {
    const ratio = (after[i] ?? 0) / (before[i] ?? 1);
    t.ok(Math.abs(ratio / want - 1) < 0.06, `F${i + 1} ${before[i]} → ${after[i]} Hz (×${ratio.toFixed(3)}, want ×${want.toFixed(3)})`);
  }
});
