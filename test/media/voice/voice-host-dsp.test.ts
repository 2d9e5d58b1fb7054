/**
 * The production path: dsp/voice processors in voice workers behind the leg
 * stage, on real speech at 16 kHz. Anonymize must never give the caller's
 * raw voice, also while its worker is replaced after a crash.
 */
import t from 'tap';
import { once } from 'node:events';
import { pino } from 'pino';
import { CollectBudget } from '../../../media/voice/collect-budget.js';
import { defaultProcessorModule } from '../../../media/voice/processor.js';
import { buildVoiceSpec } from '../../../media/voice/voice-spec.js';
import { VoiceWorkerPool } from '../../../media/voice/voice-pool.js';
import { VoiceStage } from '../../../media/voice/voice-stage.js';
import { readAudioFixture } from '../../helpers/wav.js';

const RATE = 16000;
const FRAME = RATE / 50;

/** Normalised correlation of two equal-length frames (1: the same waveform). */
function correlation(a: Int16Array, b: Int16Array): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    ab += x * y;
    aa += x * x;
    bb += y * y;
  }
  return aa === 0 || bb === 0 ? 0 : ab / Math.sqrt(aa * bb);
}

t.test('anonymize on real speech: transformed output, comfort noise across a worker crash, never the raw voice', async (t) => {
  const speech = readAudioFixture('speech-male-16k.wav').samples;
  const settings = { preset: 'anonymize' as const, fallback: 'passthrough' as const };
  const spec = await buildVoiceSpec(settings, 'voices');
  let restarted: () => void = () => undefined;
  const restart = new Promise<void>((resolve) => (restarted = resolve));
  const pool = new VoiceWorkerPool({
    size: 1,
    processorModule: defaultProcessorModule(),
    logger: pino({ level: 'silent' }),
    setTimer: (delayMs, callback) => {
      const handle = setTimeout(callback, delayMs);
      return () => clearTimeout(handle);
    },
    now: () => performance.now(),
    onRestart: () => restarted(),
  });
  t.teardown(() => pool.close());
  const stage = new VoiceStage({
    legId: 'anon',
    settings,
    spec,
    configuredFallback: 'passthrough',
    pool,
    budget: new CollectBudget(5000),
    seed: 42,
    logger: pino({ level: 'silent' }),
    onDisabled: () => undefined,
  });
  const frames = Math.floor(speech.length / FRAME);
  let rawLike = 0;
  let voiced = 0;
  let frameIndex = 0;
  const tick = (): Int16Array => {
    const at = (frameIndex++ % frames) * FRAME;
    const input = speech.slice(at, at + FRAME);
    const frame = input.slice();
    const context = { sampleRate: RATE, kind: 'audio' as const, tickIndex: frameIndex };
    stage.capture(frame, context);
    stage.collect(frame, context);
    // Loud input that comes out (nearly) unchanged would be the raw voice.
    if (correlation(input, frame) > 0.9 && input.some((x) => Math.abs(x) > 2000)) rawLike++;
    if (input.some((x) => Math.abs(x) > 2000)) voiced++;
    return frame;
  };
  for (let n = 0; n < 100; n++) tick();
  t.ok(stage.counters.framesProcessed >= 90, `frames went through dsp/voice (${stage.counters.framesProcessed})`);
  const worker = pool.worker(0);
  if (worker === null) throw new Error('no worker');
  const exited = once(worker, 'exit');
  await worker.terminate();
  await exited;
  const before = stage.counters.overruns;
  for (let n = 0; n < 10; n++) t.ok(tick().every((x) => Math.abs(x) < 400), 'comfort noise while the worker is down');
  t.equal(stage.counters.overruns, before + 10);
  await restart;
  const processed = stage.counters.framesProcessed;
  for (let n = 0; n < 100; n++) tick();
  t.ok(stage.counters.framesProcessed - processed >= 90, 'the transform resumed on the new worker');
  t.ok(voiced > 50, 'the input had speech');
  t.equal(rawLike, 0, 'no output frame was the raw voice');
});
