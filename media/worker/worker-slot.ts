/**
 * One media worker thread as the host sees it: starts it, posts commands with
 * request ids and settles them from the worker's answers, forwards events,
 * and reports the thread's death (uncaught error or unexpected exit) once.
 */
import type { Worker } from 'node:worker_threads';
import { MediaError } from '../errors.js';
import type { EngineCommandName, EngineEvent } from '../protocol.js';
import { deserializeError, isWorkerMessage, type HostMessage, type MediaWorkerData, type WorkerMessage } from './messages.js';
import { spawnWorker } from './spawn.js';

export const MEDIA_WORKER_URL = new URL('./media-worker.js', import.meta.url);

interface Pending {
  readonly name: EngineCommandName;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
}

export interface WorkerSlotCallbacks {
  readonly onEvent: (slot: WorkerSlot, event: EngineEvent) => void;
  /** The thread died without being asked to stop (`reason` says how). Called once. */
  readonly onFailure: (slot: WorkerSlot, reason: string) => void;
}

export class WorkerSlot {
  readonly index: number;
  /** Settles when the worker's engine is up; rejects if the thread dies first. */
  readonly ready: Promise<void>;
  readonly #worker: Worker;
  readonly #callbacks: WorkerSlotCallbacks;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #threadId = -1;
  #isReady = false;
  #stopping = false;
  #dead = false;
  #lastError: Error | null = null;
  #markReady: () => void = () => undefined;
  #failReady: (error: Error) => void = () => undefined;

  constructor(data: MediaWorkerData, callbacks: WorkerSlotCallbacks) {
    this.index = data.index;
    this.#callbacks = callbacks;
    this.ready = new Promise<void>((resolve, reject) => {
      this.#markReady = resolve;
      this.#failReady = reject;
    });
    // A failed start is reported through onFailure too; nobody has to await `ready`.
    this.ready.catch(() => undefined);
    this.#worker = spawnWorker(MEDIA_WORKER_URL, { workerData: data, name: `voxbridge-media-${data.index}` });
    this.#worker.on('message', this.#onMessage);
    this.#worker.on('error', (error: Error) => {
      this.#lastError = error;
    });
    this.#worker.on('messageerror', (error: Error) => {
      this.#lastError = error;
    });
    this.#worker.on('exit', this.#onExit);
  }

  get isReady(): boolean {
    return this.#isReady && !this.#dead;
  }

  get alive(): boolean {
    return !this.#dead;
  }

  get threadId(): number {
    return this.#threadId;
  }

  /** Posts a command; rejects with ERR_WORKER_FAILED if the thread dies before answering. */
  request(name: EngineCommandName, args: unknown): Promise<unknown> {
    if (this.#dead) return Promise.reject(new MediaError('ERR_WORKER_FAILED', `media worker ${this.index} is gone; cannot run ${name}`));
    const id = this.#nextId++;
    return new Promise<unknown>((resolve, reject) => {
      this.#pending.set(id, { name, resolve, reject });
      this.#post({ kind: 'request', id, name, args });
    });
  }

  /** Test hook: an uncaught exception inside the worker (honoured only when the worker was started with it allowed). */
  crashForTest(): void {
    this.#post({ kind: 'crash' });
  }

  /** Test hook: the thread is killed from outside, as by a fatal error. */
  terminateForTest(): Promise<number> {
    return this.#worker.terminate();
  }

  /** Closes the worker's engine (sockets, legs), then ends the thread. Never rejects. */
  async stop(): Promise<void> {
    this.#stopping = true;
    if (!this.#dead) {
      await this.ready.then(() => this.request('engine.close', {})).catch(() => undefined);
    }
    await this.#worker.terminate();
  }

  #post(message: HostMessage): void {
    this.#worker.postMessage(message);
  }

  readonly #onMessage = (message: unknown): void => {
    if (!isWorkerMessage(message)) return;
    this.#messageHandlers[message.kind](message as never);
  };

  readonly #messageHandlers: { readonly [K in WorkerMessage['kind']]: (message: Extract<WorkerMessage, { kind: K }>) => void } = {
    ready: (message) => {
      this.#threadId = message.threadId;
      this.#isReady = true;
      this.#markReady();
    },
    result: (message) => {
      const pending = this.#pending.get(message.id);
      if (pending === undefined) return;
      this.#pending.delete(message.id);
      if (message.ok) pending.resolve(message.value);
      else pending.reject(deserializeError(message.error));
    },
    event: (message) => this.#callbacks.onEvent(this, message.event),
  };

  readonly #onExit = (exitCode: number): void => {
    this.#dead = true;
    const reason = this.#lastError !== null ? `media worker ${this.index} crashed: ${this.#lastError.message}` : `media worker ${this.index} exited with code ${exitCode}`;
    const error = new MediaError('ERR_WORKER_FAILED', this.#stopping ? `media worker ${this.index} stopped` : reason);
    this.#failReady(error);
    for (const pending of this.#pending.values()) pending.reject(new MediaError('ERR_WORKER_FAILED', `${error.message} while running ${pending.name}`));
    this.#pending.clear();
    if (!this.#stopping) this.#callbacks.onFailure(this, reason);
  };
}
