/** Presets, morphs and anonymize's per-call draw, measured on the output. */
import t from 'tap';
import { ANONYMIZE_RANGES, createVoiceProcessor, drawAnonymize, PRESET_VALUES, type VoiceSpec } from '../../../dsp/voice/index.js';
import { synthVowel } from './helpers/synth-voice.js';
import { medianF0Ratio, medianFormants, runFrames, trackF0 } from './helpers/measure.js';

const RATE = 16000;
const input = synthVowel({ sampleRate: RATE, seconds: 1, f0: (time) => 120 + 8 * Math.sin(2 * Math.PI * 2 * time) });

function run(spec: VoiceSpec, seed = 1): Int16Array {
  const processor = createVoiceProcessor(spec, RATE, seed);
  return runFrames(processor, input, 320).subarray(processor.latencySamples);
}

function pitchRatio(out: Int16Array): number {
  return medianF0Ratio(trackF0(input.subarray(0, out.length), RATE), trackF0(out, RATE)).ratio;
}

t.test('pitch presets shift by their documented semitones (±2 %)', async (t) => {
  for (const preset of ['female', 'male', 'child', 'deep', 'helium'] as const) {
    const want = 2 ** ((PRESET_VALUES[preset].semitones ?? 0) / 12);
    const ratio = pitchRatio(run({ preset }));
    t.ok(Math.abs(ratio / want - 1) <= 0.02, `${preset}: ratio ${ratio.toFixed(4)}, want ${want.toFixed(4)}`);
  }
});

t.test('explicit parameters override the preset', async (t) => {
  const ratio = pitchRatio(run({ preset: 'female', parameters: { pitchSemitones: 2 } }));
  t.ok(Math.abs(ratio / 2 ** (2 / 12) - 1) <= 0.02, `female at +2 st: ${ratio.toFixed(4)}`);
});

t.test('morph interpolates the settings', async (t) => {
  const spec: VoiceSpec = { parameters: { pitchSemitones: 0 }, morphTo: { parameters: { pitchSemitones: 12 } }, morph: 0.25 };
  const ratio = pitchRatio(run(spec));
  t.ok(Math.abs(ratio / 2 ** (3 / 12) - 1) <= 0.02, `a quarter of the way to +12 st: ${ratio.toFixed(4)}`);
});

t.test('anonymize: a seeded per-call draw within the documented ranges', async (t) => {
  for (let seed = 1; seed <= 200; seed++) {
    const draw = drawAnonymize(seed);
    const inLow = draw.alpha >= ANONYMIZE_RANGES.alphaLow[0] && draw.alpha <= ANONYMIZE_RANGES.alphaLow[1];
    const inHigh = draw.alpha >= ANONYMIZE_RANGES.alphaHigh[0] && draw.alpha <= ANONYMIZE_RANGES.alphaHigh[1];
    if (!(inLow || inHigh)) t.fail(`seed ${seed}: α ${draw.alpha}`);
    const st = Math.abs(draw.semitones);
    if (st < ANONYMIZE_RANGES.semitones[0] || st > ANONYMIZE_RANGES.semitones[1]) t.fail(`seed ${seed}: ${draw.semitones} st`);
    const scale = inLow ? draw.formantRatio : 1 / draw.formantRatio;
    if (scale < ANONYMIZE_RANGES.formantScale[0] - 1e-9 || scale > ANONYMIZE_RANGES.formantScale[1] + 1e-9) t.fail(`seed ${seed}: formants ×${draw.formantRatio}`);
  }
  t.same(drawAnonymize(42), drawAnonymize(42), 'the same seed draws the same voice');
  t.not(drawAnonymize(42).alpha, drawAnonymize(43).alpha, 'another seed draws another');
  t.same(run({ preset: 'anonymize' }, 7), run({ preset: 'anonymize' }, 7), 'same seed, same output');
});

t.test('anonymize never passes the raw voice: pitch and envelope both move', async (t) => {
  const before = medianFormants(input, RATE, 0.2, 0.9);
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    const draw = drawAnonymize(seed);
    const out = run({ preset: 'anonymize' }, seed);
    const ratio = pitchRatio(out);
    t.ok(Math.abs(ratio / 2 ** (draw.semitones / 12) - 1) <= 0.02, `seed ${seed}: pitch ratio ${ratio.toFixed(3)} (${draw.semitones.toFixed(2)} st)`);
    const after = medianFormants(out, RATE, 0.2, 0.9);
    const moved = after.map((f, i) => Math.abs(f / (before[i] ?? 1) - 1));
    t.ok(Math.max(...moved) >= 0.05, `seed ${seed} (α ${draw.alpha.toFixed(2)}): formants ${before.join('/')} → ${after.join('/')}`);
  }
});

t.test('elder adds a slow vibrato (and breath noise)', async (t) => {
  const steady = synthVowel({ sampleRate: RATE, seconds: 1, f0: 120 });
  const processor = createVoiceProcessor({ preset: 'elder' }, RATE);
  const out = runFrames(processor, steady, 320).subarray(processor.latencySamples);
  const f0s = trackF0(out, RATE, 40, 10, 0.5).filter((f) => f.f0 > 0 && f.time > 0.1).map((f) => f.f0);
  const spread = Math.max(...f0s) / Math.min(...f0s);
  t.ok(f0s.length > 20, `${f0s.length} voiced frames`);
  t.ok(spread > 1.02, `a steady 120 Hz input comes out moving by ${((spread - 1) * 100).toFixed(1)} %`);
});
