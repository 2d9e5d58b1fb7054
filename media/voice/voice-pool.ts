/**
 * The pool of voice workers. A leg goes to the least-loaded worker (workers
 * start lazily, on their first leg) and stays there; the pool only carries
 * the rare control messages (attach/update/detach). Frames never pass
 * through here: the leg's stage writes its input ring and bumps its worker's
 * work counter (`PoolAssignment.work`) directly.
 *
 * A worker that dies ('exit' without close) is replaced, and its legs are
 * attached again on the new worker with fresh processor state (the rings
 * stay the same, so the stages notice nothing but a few fallback frames). A
 * worker that keeps dying right after start is restarted with a growing
 * delay (up to 5 s) so a broken processor module cannot spin the CPU.
 */
import type { Logger } from 'pino';
import type { Worker } from 'node:worker_threads';
import { spawnWorker } from '../worker/spawn.js';
import type { HostToWorker, VoiceWorkerData, WorkerToHost } from './worker-messages.js';

const WORKER_ENTRY = new URL('./voice-worker.js', import.meta.url);
/** A worker that dies sooner than this after starting counts as a quick failure. */
const QUICK_FAILURE_MS = 1000;
const MAX_RESTART_DELAY_MS = 5000;

/** What the pool needs to (re)attach a leg on a worker. */
export interface PoolLeg {
  readonly legId: string;
  readonly input: SharedArrayBuffer;
  readonly output: SharedArrayBuffer;
  sampleRate: number;
  spec: unknown;
  readonly seed: number;
  /** The leg's processor failed in the worker (bad spec, exception): it stays on fallback. */
  onError(message: string): void;
  /** Its worker died: no output will come until the replacement runs. */
  onWorkerExit(): void;
  /** Its worker died and the leg was attached to the replacement. */
  onWorkerRestart(): void;
}

export interface PoolAssignment {
  readonly workerIndex: number;
  /** The worker's work counter: Atomics.add + notify after each input frame. */
  readonly work: Int32Array;
}

export interface VoicePoolOptions {
  readonly size: number;
  /** URL of the processor module the workers load. */
  readonly processorModule: string;
  readonly logger: Logger;
  readonly setTimer: (delayMs: number, callback: () => void) => () => void;
  readonly now: () => number;
  /** A worker was replaced after dying; `legs` were moved onto the new one. */
  readonly onRestart: (workerIndex: number, legs: number) => void;
}

class WorkerSlot {
  worker: Worker | null = null;
  readonly work = new Int32Array(new SharedArrayBuffer(4));
  readonly legs = new Map<string, PoolLeg>();
  startedAt = 0;
  quickFailures = 0;
  cancelRestart: (() => void) | null = null;

  constructor(readonly index: number) {}
}

export class VoiceWorkerPool {
  readonly #options: VoicePoolOptions;
  readonly #slots: WorkerSlot[];
  readonly #byLeg = new Map<string, WorkerSlot>();
  #closed = false;

  constructor(options: VoicePoolOptions) {
    this.#options = options;
    this.#slots = Array.from({ length: Math.max(1, options.size) }, (_, i) => new WorkerSlot(i));
  }

  get size(): number {
    return this.#slots.length;
  }

  /** Legs per worker (index order). */
  loads(): number[] {
    return this.#slots.map((s) => s.legs.size);
  }

  /** The running worker at `index` (tests terminate it to inject a crash). */
  worker(index: number): Worker | null {
    return this.#slots[index]?.worker ?? null;
  }

  /** Assigns `leg` to the least-loaded worker and starts transforming it there. */
  attach(leg: PoolLeg): PoolAssignment {
    if (this.#closed) throw new Error('voice pool is closed');
    let slot = this.#byLeg.get(leg.legId);
    if (slot === undefined) {
      slot = this.#slots.reduce((best, s) => (s.legs.size < best.legs.size ? s : best));
      slot.legs.set(leg.legId, leg);
      this.#byLeg.set(leg.legId, slot);
    }
    if (slot.worker === null && slot.cancelRestart === null) this.#start(slot);
    else this.#sendAttach(slot, leg);
    return { workerIndex: slot.index, work: slot.work };
  }

  /** Sends the leg's (changed) sample rate: the worker builds a fresh processor. */
  reattach(leg: PoolLeg): void {
    const slot = this.#byLeg.get(leg.legId);
    if (slot !== undefined) this.#sendAttach(slot, leg);
  }

  update(legId: string, spec: unknown, fadeMs: number): void {
    const slot = this.#byLeg.get(legId);
    const leg = slot?.legs.get(legId);
    if (slot === undefined || leg === undefined) return;
    leg.spec = spec;
    this.#post(slot, { type: 'update', legId, spec, fadeMs });
  }

  detach(legId: string): void {
    const slot = this.#byLeg.get(legId);
    if (slot === undefined) return;
    this.#byLeg.delete(legId);
    slot.legs.delete(legId);
    this.#post(slot, { type: 'detach', legId });
  }

  /** Terminates every worker; idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const exits: Promise<number>[] = [];
    for (const slot of this.#slots) {
      slot.cancelRestart?.();
      slot.cancelRestart = null;
      if (slot.worker !== null) exits.push(slot.worker.terminate());
      slot.worker = null;
    }
    this.#byLeg.clear();
    await Promise.all(exits);
  }

  #start(slot: WorkerSlot): void {
    const workerData: VoiceWorkerData = { processorModule: this.#options.processorModule, work: slot.work.buffer as SharedArrayBuffer };
    const worker = spawnWorker(WORKER_ENTRY, { workerData, name: `voice-${slot.index}` });
    worker.unref();
    slot.worker = worker;
    slot.startedAt = this.#options.now();
    worker.on('message', (message: WorkerToHost) => this.#onMessage(slot, message));
    worker.on('error', (error) => this.#options.logger.error({ err: error, worker: slot.index }, 'voice worker failed'));
    worker.on('exit', (code) => this.#onExit(slot, worker, code));
    for (const leg of slot.legs.values()) this.#sendAttach(slot, leg);
  }

  #onMessage(slot: WorkerSlot, message: WorkerToHost): void {
    if (message.type !== 'leg-error') return;
    slot.legs.get(message.legId)?.onError(message.message);
  }

  #onExit(slot: WorkerSlot, worker: Worker, code: number): void {
    if (this.#closed || slot.worker !== worker) return;
    slot.worker = null;
    for (const leg of slot.legs.values()) leg.onWorkerExit();
    const lived = this.#options.now() - slot.startedAt;
    slot.quickFailures = lived < QUICK_FAILURE_MS ? slot.quickFailures + 1 : 0;
    const delay = slot.quickFailures === 0 ? 0 : Math.min(MAX_RESTART_DELAY_MS, 100 * 2 ** (slot.quickFailures - 1));
    this.#options.logger.warn({ worker: slot.index, code, legs: slot.legs.size, restartInMs: delay }, 'voice worker exited; replacing it');
    slot.cancelRestart = this.#options.setTimer(delay, () => {
      slot.cancelRestart = null;
      if (this.#closed) return;
      this.#start(slot);
      for (const leg of slot.legs.values()) leg.onWorkerRestart();
      this.#options.onRestart(slot.index, slot.legs.size);
    });
  }

  #sendAttach(slot: WorkerSlot, leg: PoolLeg): void {
    this.#post(slot, {
      type: 'attach',
      legId: leg.legId,
      input: leg.input,
      output: leg.output,
      sampleRate: leg.sampleRate,
      spec: leg.spec,
      seed: leg.seed,
    });
  }

  #post(slot: WorkerSlot, message: HostToWorker): void {
    slot.worker?.postMessage(message);
  }
}
