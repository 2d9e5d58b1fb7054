/**
 * Voice worker entry (a worker_thread of the voice pool). It transforms every
 * leg assigned to it whenever input arrives: the media thread bumps the
 * shared work counter after writing a frame, and this loop sleeps on that
 * counter with Atomics.waitAsync (so control messages still get through
 * between rounds). Per round and leg: take the newest input frame (older ones
 * are already past their tick: the media thread used a fallback for them),
 * process it, write the result with the same seq into the output ring.
 *
 * Started through `spawnWorker` (media/worker/spawn.ts): from dist/ it runs as
 * .js, under tap as .ts with the parent's TS loader hook.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isProcessorModule, type VoiceProcessor, type VoiceProcessorModule } from './processor.js';
import { SpscRing } from './spsc-ring.js';
import type { HostToWorker, VoiceWorkerData, WorkerToHost } from './worker-messages.js';

interface LegSlot {
  readonly legId: string;
  readonly input: SpscRing;
  readonly output: SpscRing;
  processor: VoiceProcessor | null;
  inFrame: Int16Array;
  outFrame: Int16Array;
}

type AtomicsWaitAsync = (
  array: Int32Array,
  index: number,
  value: number,
) => { async: false; value: 'not-equal' | 'timed-out' } | { async: true; value: Promise<'ok' | 'timed-out'> };

/** ES2024 (lib ES2022 does not declare it; Node 20 has it). */
const waitAsync = (Atomics as unknown as { waitAsync: AtomicsWaitAsync }).waitAsync;
/** Rounds run back to back before yielding to the event loop (control messages). */
const ROUNDS_BEFORE_YIELD = 8;

const data = workerData as VoiceWorkerData;
const port = parentPort;
const work = new Int32Array(data.work);
const legs = new Map<string, LegSlot>();
let slots: LegSlot[] = [];

function post(message: WorkerToHost): void {
  port?.postMessage(message);
}

async function loadModule(): Promise<VoiceProcessorModule> {
  const loaded: unknown = await import(data.processorModule);
  if (!isProcessorModule(loaded)) throw new Error(`voice processor module ${data.processorModule} does not export createVoiceProcessor`);
  return loaded;
}

const ready = loadModule();

function fail(slot: LegSlot, error: unknown): void {
  slot.processor = null;
  post({ type: 'leg-error', legId: slot.legId, message: error instanceof Error ? error.message : String(error) });
}

function processLeg(slot: LegSlot): void {
  const input = slot.input;
  let queued = input.readable();
  if (queued === 0) return;
  for (; queued > 1; queued--) input.skip();
  const seq = input.peekSeq();
  const length = input.peekLength();
  if (slot.inFrame.length !== length) {
    slot.inFrame = new Int16Array(length);
    slot.outFrame = new Int16Array(length);
  }
  input.read(slot.inFrame);
  const processor = slot.processor;
  if (processor === null) return;
  try {
    processor.process(slot.inFrame, slot.outFrame);
  } catch (error) {
    fail(slot, error);
    return;
  }
  // Full only when the media thread stopped collecting (held leg): the ring counts it.
  slot.output.write(slot.outFrame, seq);
}

async function run(): Promise<void> {
  await ready;
  let rounds = 0;
  for (;;) {
    const seen = Atomics.load(work, 0);
    for (const slot of slots) processLeg(slot);
    const waited = waitAsync(work, 0, seen);
    if (waited.async) {
      rounds = 0;
      await waited.value;
    } else if (++rounds >= ROUNDS_BEFORE_YIELD) {
      rounds = 0;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}

type Handlers = { readonly [T in HostToWorker['type']]: (module: VoiceProcessorModule, message: Extract<HostToWorker, { type: T }>) => void };

const HANDLERS: Handlers = {
  attach(module, m) {
    const slot: LegSlot = {
      legId: m.legId,
      input: new SpscRing(m.input),
      output: new SpscRing(m.output),
      processor: null,
      inFrame: new Int16Array(0),
      outFrame: new Int16Array(0),
    };
    legs.set(m.legId, slot);
    slots = [...legs.values()];
    // Frames may already wait in the ring (written before this worker ran): wake the loop for them.
    Atomics.add(work, 0, 1);
    Atomics.notify(work, 0);
    try {
      slot.processor = module.createVoiceProcessor(m.spec, m.sampleRate, m.seed);
    } catch (error) {
      fail(slot, error);
    }
  },
  update(_module, m) {
    const slot = legs.get(m.legId);
    if (slot?.processor === null || slot === undefined) return;
    try {
      slot.processor.update(m.spec, m.fadeMs);
    } catch (error) {
      fail(slot, error);
    }
  },
  detach(_module, m) {
    if (legs.delete(m.legId)) slots = [...legs.values()];
  },
};

port?.on('message', (message: HostToWorker) => {
  void ready.then((module) => {
    const handler = HANDLERS[message.type] as (module: VoiceProcessorModule, message: HostToWorker) => void;
    handler(module, message);
  });
});

void ready.then(() => post({ type: 'ready' }));
// A module that cannot load, or a bug in this loop, ends the worker: the pool replaces it.
run().catch((error: unknown) => {
  throw error instanceof Error ? error : new Error(String(error));
});
