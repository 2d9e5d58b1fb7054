/** The transforms on the speech fixtures (espeak-ng male and female, 16 kHz). */
import t from 'tap';
import { createVoiceProcessor, LpcPsolaVoiceProcessor, type VoiceSpec } from '../../../dsp/voice/index.js';
import { readAudioFixture } from '../../helpers/wav.js';
import { maxStep, medianF0Ratio, runFrames, trackF0 } from './helpers/measure.js';

const RATE = 16000;

function run(spec: VoiceSpec, input: Int16Array): { input: Int16Array; output: Int16Array; forced: number } {
  const processor = createVoiceProcessor(spec, RATE, 1);
  const out = runFrames(processor, input, 320);
  t.equal(out.length, input.length, 'output length equals input length');
  const lag = processor.latencySamples;
  const forced = processor instanceof LpcPsolaVoiceProcessor ? processor.stats.forcedGrains : 0;
  return { input: input.subarray(0, input.length - lag), output: out.subarray(lag), forced };
}

for (const name of ['speech-male-16k.wav', 'speech-female-16k.wav']) {
  t.test(`${name}: pitch ratio within ±2 % over the voiced frames, no clicks`, async (t) => {
    const { samples } = readAudioFixture(name);
    const inputStep = maxStep(samples);
    for (const semitones of [-4, 4]) {
      const { input, output, forced } = run({ parameters: { pitchSemitones: semitones } }, samples);
      const want = 2 ** (semitones / 12);
      const { ratio, frames } = medianF0Ratio(trackF0(input, RATE), trackF0(output, RATE));
      t.ok(frames > 50, `${semitones} st: ${frames} frames voiced in both`);
      t.ok(Math.abs(ratio / want - 1) <= 0.02, `${semitones} st: median ratio ${ratio.toFixed(4)}, want ${want.toFixed(4)}`);
      t.ok(forced <= 20, `${semitones} st: ${forced} grains placed early to hold the latency`);
      t.ok(maxStep(output) <= 1.4 * inputStep, `${semitones} st: largest step ${maxStep(output)} (input ${inputStep})`);
    }
  });
}
