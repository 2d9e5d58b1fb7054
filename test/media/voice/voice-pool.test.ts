/** Pool bookkeeping: least-loaded assignment, lazy start, freeing on leg close and module close. */
import t from 'tap';
import { pino } from 'pino';
import { ManualClock } from '../../../media/index.js';
import { createVoiceCommands } from '../../../media/commands/voice.js';
import type { EngineContext } from '../../../media/engine-context.js';
import type { Leg } from '../../../media/leg.js';
import type { InputStage, InputStageName } from '../../../media/leg-stages.js';
import { SpscRing } from '../../../media/voice/spsc-ring.js';
import { VoiceWorkerPool, type PoolLeg } from '../../../media/voice/voice-pool.js';
import { resolveWorkerEntry } from '../../../media/worker/spawn.js';

const PROCESSOR = resolveWorkerEntry(new URL('./fixtures/gain-processor.js', import.meta.url)).url.href;

function poolLeg(legId: string): PoolLeg {
  return {
    legId,
    input: SpscRing.create(2, 160).buffer,
    output: SpscRing.create(2, 160).buffer,
    sampleRate: 8000,
    spec: {},
    seed: 1,
    onError: () => undefined,
    onWorkerExit: () => undefined,
    onWorkerRestart: () => undefined,
  };
}

t.test('legs go to the least-loaded worker; workers start with their first leg', async (t) => {
  const pool = new VoiceWorkerPool({
    size: 3,
    processorModule: PROCESSOR,
    logger: pino({ level: 'silent' }),
    setTimer: () => () => undefined,
    now: () => performance.now(),
    onRestart: () => undefined,
  });
  t.teardown(() => pool.close());
  t.equal(pool.worker(0), null, 'nothing started before the first leg');
  const indexes = ['a', 'b', 'c', 'd', 'e'].map((id) => pool.attach(poolLeg(id)).workerIndex);
  t.same(indexes, [0, 1, 2, 0, 1]);
  t.same(pool.loads(), [2, 2, 1]);
  t.ok(pool.worker(2) !== null, 'each worker started with its first leg');
  pool.detach('a');
  pool.detach('d');
  t.same(pool.loads(), [0, 2, 1]);
  t.equal(pool.attach(poolLeg('f')).workerIndex, 0, 'the emptied worker is the least loaded');
  await pool.close();
  t.equal(pool.worker(0), null, 'close terminates every worker');
  t.throws(() => pool.attach(poolLeg('g')), /closed/);
});

/** The few Leg members the voice module uses. */
class FakeLeg {
  readonly stages = new Map<InputStageName, InputStage>();
  constructor(readonly legId: string) {}
  setInputStage(name: InputStageName, stage: InputStage | null): void {
    this.stages.get(name)?.close?.();
    if (stage === null) this.stages.delete(name);
    else this.stages.set(name, stage);
  }
  inputStage(name: InputStageName): InputStage | undefined {
    return this.stages.get(name);
  }
}

t.test('the voice module frees a leg\'s worker slot when the leg closes, and its workers on close', async (t) => {
  const legs = new Map<string, FakeLeg>([['x', new FakeLeg('x')], ['y', new FakeLeg('y')]]);
  const closing: ((leg: Leg) => void)[] = [];
  const context: EngineContext = {
    clock: new ManualClock(),
    logger: pino({ level: 'silent' }),
    emit: () => undefined,
    leg: (legId) => {
      const leg = legs.get(legId);
      if (leg === undefined) throw new Error(`no leg ${legId}`);
      return leg as unknown as Leg;
    },
    legs: () => [...legs.values()].map((leg) => leg as unknown as Leg)[Symbol.iterator](),
    onLegClosing: (listener) => closing.push(listener),
    onLegUpdated: () => undefined,
  };
  const module = createVoiceCommands(context, { voice: { workers: 2, fallback: 'silence', collectBudgetMs: 3, profilesDir: 'voices' }, voiceProcessorModule: PROCESSOR });
  t.teardown(() => module.close?.());
  t.equal(module.pool(), null, 'no pool before the first transformed leg');
  await module.handlers['leg.voice']({ legId: 'x', settings: { preset: 'robot' } });
  await module.handlers['leg.voice']({ legId: 'y', settings: { preset: 'whisper' } });
  const stage = legs.get('x')?.inputStage('voice');
  t.ok(stage !== undefined, 'the voice stage is installed');
  // The stage attaches at its first frame (it needs the sample rate).
  for (const id of ['x', 'y']) {
    const frame = new Int16Array(160);
    legs.get(id)?.inputStage('voice')?.capture(frame, { sampleRate: 8000, kind: 'audio', tickIndex: 1 });
  }
  const pool = module.pool();
  t.same(pool?.loads(), [1, 1]);
  for (const listener of closing) listener(legs.get('x') as unknown as Leg);
  t.same(pool?.loads(), [0, 1], 'closing leg x freed its slot');
  t.equal(legs.get('x')?.inputStage('voice'), undefined, 'and removed its stage');
  await module.close?.();
  t.equal(pool?.worker(1), null, 'module close terminated the workers');
  t.equal(legs.get('y')?.inputStage('voice'), undefined);
});
