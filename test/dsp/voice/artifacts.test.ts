/**
 * What a listener would hear as defects: clicks at frame boundaries or on a
 * settings change, consonants turned into tones. Plus the character presets
 * that are defined by such properties (robot: monotone, whisper: no pitch).
 */
import t from 'tap';
import { createVoiceProcessor, PRESET_VALUES, type VoicePresetName, type VoiceProcessor } from '../../../dsp/voice/index.js';
import { concat, synthFricative, synthVowel } from './helpers/synth-voice.js';
import { maxStep, runFrames, spectralFlatness, trackF0 } from './helpers/measure.js';

const RATE = 16000;
const FRAME = 320;

/** Vowel, fricative, silence, vowel: onsets, offsets and a consonant. */
function utterance(): { pcm: Int16Array; fricative: [number, number] } {
  const a = synthVowel({ sampleRate: RATE, seconds: 0.5, f0: (time) => 120 + 20 * time });
  const s = synthFricative(RATE, 0.3, 4000);
  const gap = new Int16Array(RATE * 0.1);
  const b = synthVowel({ sampleRate: RATE, seconds: 0.5, f0: (time) => 140 - 20 * time, formants: [500, 1700, 2500] });
  return { pcm: concat(a, s, gap, b), fricative: [a.length, a.length + s.length] };
}

function aligned(processor: VoiceProcessor, input: Int16Array): Int16Array {
  return runFrames(processor, input, FRAME).subarray(processor.latencySamples);
}

const PRESETS: VoicePresetName[] = ['female', 'male', 'child', 'elder', 'deep', 'helium', 'robot', 'whisper', 'anonymize'];

t.test('no clicks: no step beyond the signal’s own, none standing out at frame boundaries', async (t) => {
  const { pcm } = utterance();
  const inputStep = maxStep(pcm);
  for (const preset of PRESETS) {
    const out = aligned(createVoiceProcessor({ preset }, RATE, 11), pcm);
    const step = maxStep(out);
    // Raising the formants raises the frequencies, and the steepest slope with them.
    const scale = Math.max(1, preset === 'anonymize' ? 1.1 : (PRESET_VALUES[preset].formantRatio ?? 1));
    t.ok(step <= 1.4 * scale * inputStep, `${preset}: largest step ${step} (input ${inputStep}, formants ×${scale})`);
    let boundary = 0;
    let elsewhere = 0;
    for (let n = 1; n < out.length; n++) {
      const jump = Math.abs((out[n] ?? 0) - (out[n - 1] ?? 0));
      // Aligned sample n left the processor as output index n + latency; frames end at multiples of FRAME there.
      const phase = (n + RATE / 40) % FRAME;
      if (phase <= 1) boundary = Math.max(boundary, jump);
      else elsewhere = Math.max(elsewhere, jump);
    }
    t.ok(boundary <= elsewhere, `${preset}: largest step at a frame boundary ${boundary} ≤ ${elsewhere} elsewhere`);
  }
});

t.test('unvoiced consonants stay noise: flatness kept, no pitch found in them', async (t) => {
  const { pcm, fricative } = utterance();
  const [from, to] = fricative;
  const inputFlatness = spectralFlatness(pcm, from + 400, to - 400);
  for (const preset of PRESETS) {
    const out = aligned(createVoiceProcessor({ preset }, RATE, 11), pcm);
    const flatness = spectralFlatness(out, from + 400, to - 400);
    t.ok(flatness >= 0.6 * inputFlatness, `${preset}: flatness ${flatness.toFixed(3)} (input ${inputFlatness.toFixed(3)})`);
    const frames = trackF0(out.subarray(from, to), RATE, 40, 10, 0.6);
    const voiced = frames.filter((f) => f.f0 > 0).length;
    t.ok(voiced <= 0.1 * frames.length, `${preset}: ${voiced} of ${frames.length} frames in the consonant look periodic`);
  }
});

t.test('update() cross-fades: no click at the change, the new setting after it', async (t) => {
  const input = synthVowel({ sampleRate: RATE, seconds: 1.2, f0: 125 });
  const processor = createVoiceProcessor({ preset: 'female' }, RATE, 1);
  const out = new Int16Array(input.length);
  const changeAt = 30 * FRAME;
  for (let at = 0; at < input.length; at += FRAME) {
    if (at === changeAt) processor.update({ preset: 'deep' }, 30);
    processor.process(input.subarray(at, at + FRAME), out.subarray(at, at + FRAME));
  }
  const lag = processor.latencySamples;
  const steadyBefore = maxStep(out, lag + 4000, changeAt + lag);
  const steadyAfter = maxStep(out, changeAt + lag + 2400, input.length);
  const around = maxStep(out, changeAt + lag, changeAt + lag + 2400);
  t.ok(around <= 1.2 * Math.max(steadyBefore, steadyAfter), `step during the fade ${around} vs ${steadyBefore} before, ${steadyAfter} after`);
  const after = trackF0(out.subarray(changeAt + lag + 2400), RATE).filter((f) => f.f0 > 0);
  const f0 = after.map((f) => f.f0).sort((a, b) => a - b)[after.length >> 1] ?? 0;
  t.ok(Math.abs(f0 / (125 * 2 ** (-9 / 12)) - 1) < 0.02, `deep after the fade: ${f0.toFixed(1)} Hz`);
});

t.test('robot: one pitch whatever the input intonation', async (t) => {
  const input = synthVowel({ sampleRate: RATE, seconds: 1.2, f0: (time) => 100 + 50 * time });
  const out = aligned(createVoiceProcessor({ preset: 'robot' }, RATE), input);
  const f0s = trackF0(out, RATE).filter((f) => f.f0 > 0 && f.time > 0.1).map((f) => f.f0);
  t.ok(f0s.length > 50, `${f0s.length} voiced frames`);
  t.ok(
    f0s.every((f) => Math.abs(f / 110 - 1) < 0.03),
    `all within 3 % of 110 Hz: ${Math.min(...f0s).toFixed(1)}–${Math.max(...f0s).toFixed(1)} Hz`,
  );
});

t.test('whisper: the voice loses its pitch and its spectrum turns noise-like', async (t) => {
  const input = synthVowel({ sampleRate: RATE, seconds: 1, f0: 130 });
  const out = aligned(createVoiceProcessor({ preset: 'whisper' }, RATE), input);
  const voiced = trackF0(out, RATE).filter((f) => f.f0 > 0).length;
  t.ok(voiced <= 3, `${voiced} periodic frames`);
  const before = spectralFlatness(input, 2000, 14000);
  const after = spectralFlatness(out, 2000, 14000);
  t.ok(after > 3 * before, `flatness ${before.toExponential(2)} → ${after.toExponential(2)}`);
});
