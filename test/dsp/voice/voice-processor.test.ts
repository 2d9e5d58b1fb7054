/**
 * Objective quality of the streaming transform on synthesized vowels: pitch
 * ratio (±2 %), formant ratio (±5 %) with the pitch unchanged, exact latency,
 * output length, at 8, 16 and 48 kHz. All measures are the independent ones
 * in helpers/measure.ts.
 */
import t from 'tap';
import { createVoiceProcessor, LpcPsolaVoiceProcessor, type VoiceProcessor, type VoiceSpec } from '../../../dsp/voice/index.js';
import { synthVowel, DEFAULT_FORMANTS } from './helpers/synth-voice.js';
import { medianF0Ratio, medianFormants, runFrames, trackF0 } from './helpers/measure.js';

type Rate = 8000 | 16000 | 48000;

/** Input and output trimmed so sample i of one matches sample i of the other. */
function transform(spec: VoiceSpec, input: Int16Array, rate: Rate, frame = rate / 50): { input: Int16Array; output: Int16Array; processor: VoiceProcessor } {
  const processor = createVoiceProcessor(spec, rate, 1);
  const out = runFrames(processor, input, frame);
  const lag = processor.latencySamples;
  return { input: input.subarray(0, input.length - lag), output: out.subarray(lag), processor };
}

function forced(processor: VoiceProcessor): number {
  return processor instanceof LpcPsolaVoiceProcessor ? processor.stats.forcedGrains : Number.NaN;
}

/** A vowel with a slow 115–135 Hz intonation. */
function vowel(rate: Rate, seconds = 1.2, f0 = (time: number): number => 125 + 10 * Math.sin(2 * Math.PI * 1.5 * time)): Int16Array {
  return synthVowel({ sampleRate: rate, seconds, f0 });
}

t.test('no transform: the output is the input delayed by exactly latencySamples', async (t) => {
  for (const rate of [8000, 16000, 48000] as const) {
    const { input, output, processor } = transform({}, vowel(rate, 0.8), rate, 160);
    let error = 0;
    let energy = 0;
    for (let i = 0; i < input.length; i++) {
      energy += (input[i] ?? 0) ** 2;
      error += ((input[i] ?? 0) - (output[i] ?? 0)) ** 2;
    }
    const snr = 10 * Math.log10(energy / error);
    t.ok(snr > 30, `${rate} Hz: SNR ${snr.toFixed(1)} dB against the input shifted by ${processor.latencySamples}`);
    t.equal(processor.latencySamples, rate / 40, '25 ms');
  }
});

t.test('pitch shift: median F0 ratio within ±2 % of the request, formants kept', async (t) => {
  const rate = 16000;
  const input = vowel(rate);
  for (const semitones of [-7, -4, 3, 7, 12]) {
    const { input: a, output: b, processor } = transform({ parameters: { pitchSemitones: semitones } }, input, rate);
    const want = 2 ** (semitones / 12);
    const { ratio, frames } = medianF0Ratio(trackF0(a, rate), trackF0(b, rate));
    t.ok(frames > 50, `${semitones} st: ${frames} voiced frames compared`);
    t.ok(Math.abs(ratio / want - 1) <= 0.02, `${semitones} st: ratio ${ratio.toFixed(4)}, want ${want.toFixed(4)}`);
    t.equal(forced(processor), 0, 'no grain had to be placed early');
    if (Math.abs(semitones) <= 4) {
      const formants = medianFormants(b, rate, 0.2, 1.1);
      formants.slice(1).forEach((f, i) => {
        const original = DEFAULT_FORMANTS[i + 1] ?? 0;
        t.ok(Math.abs(f / original - 1) <= 0.05, `${semitones} st: F${i + 2} stays at ${f} Hz (was ${original})`);
      });
    }
  }
});

t.test('formant shift: F1..F3 move by the ratio (±5 %) while the pitch stays put', async (t) => {
  const rate = 16000;
  const input = vowel(rate);
  const before = medianFormants(input, rate, 0.2, 1.1);
  for (const formantRatio of [0.85, 1.2]) {
    const { input: a, output: b } = transform({ parameters: { formantRatio } }, input, rate);
    const after = medianFormants(b, rate, 0.2, 1.1);
    after.forEach((f, i) => {
      const ratio = f / (before[i] ?? 1);
      t.ok(Math.abs(ratio / formantRatio - 1) <= 0.05, `×${formantRatio}: F${i + 1} ${before[i]} → ${f} Hz (ratio ${ratio.toFixed(3)})`);
    });
    const pitch = medianF0Ratio(trackF0(a, rate), trackF0(b, rate)).ratio;
    t.ok(Math.abs(pitch - 1) <= 0.02, `×${formantRatio}: pitch ratio ${pitch.toFixed(4)}`);
  }
});

t.test('8 and 48 kHz: pitch ratio within ±2 %', async (t) => {
  for (const rate of [8000, 48000] as const) {
    const input = vowel(rate, 0.8);
    for (const semitones of [-5, 5]) {
      const { input: a, output: b } = transform({ parameters: { pitchSemitones: semitones } }, input, rate);
      const want = 2 ** (semitones / 12);
      const { ratio } = medianF0Ratio(trackF0(a, rate), trackF0(b, rate));
      t.ok(Math.abs(ratio / want - 1) <= 0.02, `${rate} Hz, ${semitones} st: ratio ${ratio.toFixed(4)}, want ${want.toFixed(4)}`);
    }
  }
});

t.test('streams any frame size: output length equals input length, same result', async (t) => {
  const rate = 16000;
  const input = vowel(rate, 0.5);
  const whole = runFrames(createVoiceProcessor({ preset: 'female' }, rate, 3), input, 320);
  for (const frame of [1, 7, 160, 333, 960]) {
    const processor = createVoiceProcessor({ preset: 'female' }, rate, 3);
    const out = runFrames(processor, input, frame);
    t.equal(out.length, input.length, `frame ${frame}: length`);
    t.same(out, whole, `frame ${frame}: identical to 20 ms frames`);
  }
  const processor = createVoiceProcessor({}, rate);
  const short = new Int16Array(100);
  processor.process(new Int16Array(160), short);
  t.equal(processor instanceof LpcPsolaVoiceProcessor ? processor.stats.badFrames : 0, 1, 'mismatched lengths are counted, not thrown');
});

t.test('reset() starts over: the same input gives the same output', async (t) => {
  const rate = 16000;
  const input = vowel(rate, 0.4);
  const processor = createVoiceProcessor({ preset: 'child' }, rate, 5);
  const first = runFrames(processor, input, 320);
  processor.reset();
  t.same(runFrames(processor, input, 320), first);
});
