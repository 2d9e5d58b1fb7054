import t, { type Test } from 'tap';
import { createVoiceProcessor, validateVoiceSpec, VoiceError, type VoiceSpec } from '../../../dsp/voice/index.js';

function rejects(t: Test, spec: unknown, field: RegExp): void {
  try {
    validateVoiceSpec(spec);
    t.fail(`accepted ${JSON.stringify(spec)}`);
  } catch (error) {
    t.ok(error instanceof VoiceError, 'a VoiceError');
    t.equal((error as VoiceError).code, 'ERR_VOICE_SPEC');
    t.match((error as Error).message, field, `names the field: ${(error as Error).message}`);
  }
}

t.test('valid specs come back typed and unchanged', async (t) => {
  const specs: VoiceSpec[] = [
    {},
    { preset: 'female' },
    { preset: 'anonymize', parameters: { mcAdamsAlpha: 0.8 } },
    { parameters: { pitchSemitones: -12, formantRatio: 1.6, mcAdamsAlpha: 0.5, breathiness: 1 } },
    { preset: 'male', morphTo: { preset: 'child' }, morph: 0.25 },
    { parameters: { profile: { name: 'p', sampleRate: 16000, f0Median: 200, f0Range: [150, 260], formants: [800, 1400, 2800] } } },
  ];
  for (const spec of specs) t.same(validateVoiceSpec(spec), spec, JSON.stringify(spec));
  t.same(validateVoiceSpec({ preset: 'robot', fallback: 'silence' }), { preset: 'robot' }, "the host's fallback key is dropped");
});

t.test('invalid specs name the field and the allowed range', async (t) => {
  rejects(t, null, /must be an object/);
  rejects(t, 'female', /must be an object/);
  rejects(t, { preset: 'alien' }, /spec\.preset must be one of female, male/);
  rejects(t, { parameters: { pitchSemitones: 13 } }, /pitchSemitones must be a number from -12 to 12/);
  rejects(t, { parameters: { formantRatio: 0.5 } }, /formantRatio must be a number from 0\.6 to 1\.6/);
  rejects(t, { parameters: { mcAdamsAlpha: Number.NaN } }, /mcAdamsAlpha/);
  rejects(t, { parameters: { breathiness: '1' } }, /breathiness/);
  rejects(t, { parameters: { pitch: 3 } }, /spec\.parameters\.pitch is not a known field/);
  rejects(t, { pitch: 3 }, /spec\.pitch is not a known field/);
  rejects(t, { morph: 2 }, /spec\.morph must be a number from 0 to 1/);
  rejects(t, { morphTo: { preset: 'x' } }, /spec\.morphTo\.preset/);
  rejects(t, { preset: 'anonymize', parameters: { mcAdamsAlpha: 1 } }, /mcAdamsAlpha must be ≤ 0\.9 or ≥ 1\.1 with the anonymize preset/);
  rejects(t, { parameters: { profile: { name: 'p' } } }, /profile\.sampleRate/);
  rejects(t, { parameters: { profile: { name: 'p', sampleRate: 16000, f0Median: 200, f0Range: [300, 100], formants: [800, 1400] } } }, /f0Range\[1\]/);
});

t.test('createVoiceProcessor checks the rate and the spec', async (t) => {
  t.throws(() => createVoiceProcessor({}, 44100 as 48000), { code: 'ERR_VOICE_RATE' });
  t.throws(() => createVoiceProcessor({ preset: 'nope' } as unknown as VoiceSpec, 16000), { code: 'ERR_VOICE_SPEC' });
  const processor = createVoiceProcessor({ preset: 'female' }, 16000, 1);
  t.throws(() => processor.update({ parameters: { formantRatio: 9 } }), { code: 'ERR_VOICE_SPEC' }, 'update validates too');
  for (const rate of [8000, 16000, 48000] as const) {
    t.equal(createVoiceProcessor({}, rate).latencySamples, rate / 40, `${rate} Hz: 25 ms of latency`);
  }
});
