/**
 * The voice stage with a real worker pool (real threads) and a small real
 * processor (fixtures/gain-processor.ts: output = −input/2): same-tick
 * output, fallbacks, stale outputs, worker crash and restart, failures,
 * cross-fades. Frames are driven by hand (no media clock needed).
 */
import t from 'tap';
import { once } from 'node:events';
import { pino } from 'pino';
import type { VoiceSettings } from '../../../media/protocol.js';
import { CollectBudget } from '../../../media/voice/collect-budget.js';
import type { VoiceFallback } from '../../../media/voice/settings.js';
import { VoiceWorkerPool } from '../../../media/voice/voice-pool.js';
import { VoiceStage } from '../../../media/voice/voice-stage.js';
import { resolveWorkerEntry } from '../../../media/worker/spawn.js';
import { transformSample } from './fixtures/gain-processor.js';

const PROCESSOR = resolveWorkerEntry(new URL('./fixtures/gain-processor.js', import.meta.url)).url.href;
/** Generous: the tests assert what a transform that keeps up gives, not timing. */
const PATIENT_BUDGET_MS = 5000;

interface Setup {
  readonly pool: VoiceWorkerPool;
  readonly stage: VoiceStage;
  readonly restarts: { workerIndex: number; legs: number }[];
  readonly restarted: Promise<void>;
  disabled: number;
  /** Runs one tick with input value `value` (all samples); returns the leg's frame after collect. */
  tick(value: number, sampleRate?: number): Int16Array;
}

function setup(t: { teardown(fn: () => unknown): void }, settings: VoiceSettings, budgetMs = PATIENT_BUDGET_MS, fallback: VoiceFallback = 'comfort-noise'): Setup {
  const restarts: { workerIndex: number; legs: number }[] = [];
  let wake: () => void = () => undefined;
  const restarted = new Promise<void>((resolve) => (wake = resolve));
  const pool = new VoiceWorkerPool({
    size: 1,
    processorModule: PROCESSOR,
    logger: pino({ level: 'silent' }),
    setTimer: (delayMs, callback) => {
      const handle = setTimeout(callback, delayMs);
      return () => clearTimeout(handle);
    },
    now: () => performance.now(),
    onRestart: (workerIndex, legs) => {
      restarts.push({ workerIndex, legs });
      wake();
    },
  });
  t.teardown(() => pool.close());
  let tickIndex = 0;
  const s: Setup = {
    pool,
    restarts,
    restarted,
    disabled: 0,
    stage: new VoiceStage({
      legId: 'leg-1',
      settings,
      spec: settings,
      configuredFallback: fallback,
      pool,
      budget: new CollectBudget(budgetMs),
      seed: 7,
      logger: pino({ level: 'silent' }),
      onDisabled: () => s.disabled++,
    }),
    tick(value, sampleRate = 8000) {
      const frame = new Int16Array(sampleRate / 50).fill(value);
      const context = { sampleRate, kind: 'audio' as const, tickIndex: ++tickIndex };
      s.stage.capture(frame, context);
      s.stage.collect(frame, context);
      return frame;
    },
  };
  return s;
}

const inputFor = (n: number): number => 1000 + (n % 50) * 100;
const isTransformedOf = (frame: Int16Array, value: number): boolean => frame.every((x) => x === transformSample(value));
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

type Tap = { fail(message: string): void };

/** Ticks until a frame is fully transformed (the worker has started); returns the tick count used. */
function warmUp(t: Tap, s: Setup, check: (frame: Int16Array) => void = () => undefined): number {
  for (let n = 0; n < 200; n++) {
    const frame = s.tick(inputFor(n));
    check(frame);
    if (isTransformedOf(frame, inputFor(n))) return n + 1;
  }
  t.fail('the transform never started');
  return 200;
}

t.test('a transform that keeps up: each tick gets its own frame transformed, no fallback', (t) => {
  const s = setup(t, { preset: 'female' });
  const used = warmUp(t, s);
  const overrunsBefore = s.stage.counters.overruns;
  let same = 0;
  for (let n = used; n < used + 50; n++) if (isTransformedOf(s.tick(inputFor(n)), inputFor(n))) same++;
  t.equal(same, 50, 'every frame is the transform of the same tick\'s input (no extra tick of delay)');
  t.equal(s.stage.counters.overruns, overrunsBefore, 'no fallback frames');
  t.ok(s.stage.counters.framesProcessed >= 50);

  // A codec change (8 → 16 kHz) re-attaches the leg; output follows at the new frame size.
  let at16k = 0;
  for (let n = 0; n < 100 && at16k < 5; n++) {
    const frame = s.tick(inputFor(n), 16000);
    t.equal(frame.length, 320);
    if (isTransformedOf(frame, inputFor(n))) at16k++;
    else if (at16k > 0) t.fail(`frame ${n} at 16 kHz not transformed after it started`);
  }
  t.equal(at16k, 5, 'transformed at 16 kHz');
  t.end();
});

t.test('killing the voice worker: anonymize gets comfort noise (never the raw voice), then the transform resumes', async (t) => {
  const s = setup(t, { preset: 'anonymize', fallback: 'passthrough' });
  t.equal(s.stage.fallback, 'comfort-noise', 'passthrough is never the fallback of anonymize');
  let rawLeaked = 0;
  const check = (frame: Int16Array): void => {
    // Raw input is ≥ 1000; the transform is negative; −60 dBov noise stays far below 400.
    if (frame.some((x) => x >= 400)) rawLeaked++;
  };
  const used = warmUp(t, s, check);
  const worker = s.pool.worker(0);
  if (worker === null) throw new Error('no worker 0');
  const exited = once(worker, 'exit');
  await worker.terminate();
  await exited;
  const overrunsBefore = s.stage.counters.overruns;
  for (let n = 0; n < 5; n++) {
    const frame = s.tick(inputFor(n));
    check(frame);
    t.ok(frame.every((x) => Math.abs(x) < 400), `tick ${n} while the worker is down: comfort noise`);
    t.ok(frame.some((x) => x !== 0), 'noise, not digital silence');
  }
  t.equal(s.stage.counters.overruns, overrunsBefore + 5, 'each fallback frame counted');
  await s.restarted;
  t.same(s.restarts, [{ workerIndex: 0, legs: 1 }], 'voice.worker-restarted reported once, with its leg');
  t.equal(s.stage.counters.workerRestarts, 1);
  t.not(s.pool.worker(0), worker, 'a new worker took over');
  let resumed = false;
  for (let n = used; n < used + 200 && !resumed; n++) {
    const frame = s.tick(inputFor(n));
    check(frame);
    resumed = isTransformedOf(frame, inputFor(n));
  }
  t.ok(resumed, 'transformed audio resumes on the new worker');
  t.equal(rawLeaked, 0, 'no frame ever carried the raw voice');
});

t.test('a transform that falls behind: fallback frames, stale outputs dropped, latency does not grow', async (t) => {
  const s = setup(t, { preset: 'robot', parameters: { profile: 'slow' } }, 0, 'silence');
  let late = 0;
  for (let n = 0; n < 6; n++) {
    const frame = s.tick(inputFor(n));
    // With no wait budget and 30 ms per frame the output is (almost always) not there yet.
    // Fallback: silence (the first one faded in from the raw voice), all ≥ 0; any transformed frame is negative.
    const fallback = frame.every((x) => x >= 0);
    t.ok(fallback || isTransformedOf(frame, inputFor(n)), `tick ${n}: silence or this very tick's frame, never an older one`);
    if (fallback) late++;
    while (s.stage.pendingOutputs === 0) await turn();
  }
  t.ok(late >= 1);
  t.equal(s.stage.counters.overruns, late, 'each fallback counted as an overrun');
  t.ok(s.stage.counters.staleDropped >= 5, 'late outputs were dropped, not played');
});

t.test('a failing processor leaves the leg on its fallback until new settings rebuild it', async (t) => {
  const s = setup(t, { preset: 'male', parameters: { profile: 'throws' } }, PATIENT_BUDGET_MS, 'silence');
  s.tick(1000);
  while (s.stage.counters.errors === 0) await turn();
  const frame = s.tick(1100);
  t.ok(frame.every((x) => x === 0), 'silence fallback');
  s.stage.update({ preset: 'male' }, { preset: 'male' });
  t.ok(warmUp(t, s) > 0, 'transformed again after the update');

  const bad = setup(t, { preset: 'male', parameters: { profile: 'bad-spec' } }, PATIENT_BUDGET_MS, 'passthrough');
  bad.tick(1000);
  while (bad.stage.counters.errors === 0) await turn();
  t.ok(
    bad.tick(1200).every((x) => x === 1200),
    'passthrough fallback gives the raw frame for non-anonymising settings',
  );
});

t.test('disable cross-fades transformed → raw over one frame, then reports it is done', (t) => {
  const s = setup(t, { preset: 'deep' });
  const used = warmUp(t, s);
  s.stage.disable();
  t.equal(s.disabled, 0, 'not yet: the fade needs one more frame');
  const value = inputFor(used);
  const frame = s.tick(value);
  t.equal(s.disabled, 1);
  const first = frame[0] ?? 0;
  const last = frame[frame.length - 1] ?? 0;
  t.ok(Math.abs(first - transformSample(value)) < 20, `starts at the transformed level (${first})`);
  t.ok(Math.abs(last - value) < 20, `ends at the raw level (${last})`);
  for (let i = 1; i < frame.length; i++) if ((frame[i] ?? 0) < (frame[i - 1] ?? 0)) t.fail(`not monotonic at ${i}`);
  t.end();
});

t.test('enabling cross-fades from the raw voice into the transform', (t) => {
  const s = setup(t, { preset: 'child' });
  const frame = s.tick(2000);
  t.ok(Math.abs((frame[0] ?? 0) - 2000) < 40, `first sample near raw (${frame[0]})`);
  t.ok(Math.abs((frame[frame.length - 1] ?? 0) - transformSample(2000)) < 40, 'last sample near transformed');
  t.end();
});
