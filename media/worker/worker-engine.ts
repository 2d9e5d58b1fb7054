/**
 * The media engine hosted in worker_threads: N workers, each running an
 * InProcessEngine on its own slice of `rtp.ports`. Implements the same
 * `MediaEngine` contract as InProcessEngine by posting the very same commands
 * over each worker's MessagePort.
 *
 * Routing (routes.ts): a new leg goes to its group's worker (a room id), else
 * the least-loaded one; everything later about a leg, room, recording or
 * playback goes to the worker that owns it. Ids nobody owns go to any worker,
 * which answers with the engine's own error (ERR_NO_SUCH_LEG, …) or, for
 * idempotent closes, succeeds.
 *
 * A worker that dies is replaced on the same port slice; each leg it owned
 * gets `leg.failed` (the control plane ends those calls with BYE), its rooms
 * `room.closed`, its recordings and playbacks their done events with an
 * error, and `engine.worker-failed` is emitted. Other workers are untouched.
 */
import type { Logger } from 'pino';
import { MediaError } from '../errors.js';
import type { InProcessEngineOptions } from '../in-process-engine.js';
import type { EngineArgs, EngineCommandName, EngineEvent, EngineResult, EngineStats, MediaEngine, WorkerStats } from '../protocol.js';
import type { MediaWorkerData } from './messages.js';
import { Ownership } from './ownership.js';
import { splitPortRange } from './port-slices.js';
import { EFFECTS, EVENT_EFFECTS, ROUTE_KEYS, ROUTES, type RouteKind } from './routes.js';
import { WorkerSlot } from './worker-slot.js';

export interface WorkerEngineOptions extends Omit<InProcessEngineOptions, 'clock' | 'random'> {
  /** Number of media worker threads (≥ 1). */
  workers: number;
  /** Lets tests crash a worker (`crashWorkerForTest`); never set in production. */
  allowCrashForTest?: boolean;
  /** Delay before a crashed worker is replaced when the previous replacement also died at start (ms; doubles up to 5 s). */
  restartBackoffMs?: number;
}

type Args = Readonly<Record<string, unknown>>;
const MAX_BACKOFF_MS = 5000;

export class WorkerEngine implements MediaEngine {
  readonly #options: WorkerEngineOptions;
  readonly #log: Logger;
  readonly #slices: string[];
  readonly #slots: WorkerSlot[] = [];
  readonly #restarts: number[];
  readonly #own = new Ownership();
  readonly #listeners = new Set<(event: EngineEvent) => void>();
  #closing: Promise<void> | null = null;

  readonly #engineWide: Readonly<Record<'engine.stats' | 'engine.close', () => Promise<unknown>>> = {
    'engine.stats': () => this.#stats(),
    'engine.close': () => this.close(),
  };

  /** Starts the workers; resolves once every one is ready. */
  static async start(options: WorkerEngineOptions): Promise<WorkerEngine> {
    const engine = new WorkerEngine(options);
    try {
      await Promise.all(engine.#slots.map((slot) => slot.ready));
    } catch (error) {
      await engine.close();
      throw error;
    }
    return engine;
  }

  private constructor(options: WorkerEngineOptions) {
    if (!Number.isInteger(options.workers) || options.workers < 1) throw new MediaError('ERR_INVALID_ARGS', `media workers must be an integer ≥ 1, got ${options.workers}`);
    this.#options = options;
    this.#log = options.logger;
    this.#slices = splitPortRange(options.rtp.ports, options.workers);
    this.#restarts = this.#slices.map(() => 0);
    for (let index = 0; index < options.workers; index++) this.#slots.push(this.#spawn(index));
  }

  get workerCount(): number {
    return this.#slots.length;
  }

  /** Resolves once every worker slot, replacements included, has a ready worker. */
  async ready(): Promise<void> {
    for (;;) {
      const slots = [...this.#slots];
      await Promise.all(slots.map((slot) => slot.ready.catch(() => undefined)));
      if (this.#closing !== null || slots.every((slot, i) => this.#slots[i] === slot && slot.isReady)) return;
      // A slot failed meanwhile and is being replaced: wait for its successor.
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Worker threads still running (0 after close). */
  liveWorkers(): number {
    return this.#slots.filter((slot) => slot.alive).length;
  }

  /** The worker index that owns `legId` (for tests and diagnostics). */
  workerOfLeg(legId: string): number | undefined {
    return this.#own.legWorker(legId);
  }

  request<N extends EngineCommandName>(name: N, args: EngineArgs<N>): Promise<EngineResult<N>> {
    const route: RouteKind | undefined = Object.hasOwn(ROUTES, name) ? ROUTES[name] : undefined;
    if (route === undefined) return Promise.reject(new MediaError('ERR_UNKNOWN_COMMAND', `unknown media command "${String(name)}"`));
    if (route === 'all') return this.#engineWide[name as 'engine.stats' | 'engine.close']() as Promise<EngineResult<N>>;
    if (this.#closing !== null) {
      if (name === 'leg.close') return Promise.resolve(undefined as EngineResult<N>);
      return Promise.reject(new MediaError('ERR_ENGINE_CLOSED', `media engine is closed; cannot run ${name}`));
    }
    return this.#dispatch(name, route, (args ?? {}) as Args) as Promise<EngineResult<N>>;
  }

  onEvent(listener: (event: EngineEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Test hook: makes worker `index` throw an uncaught error (needs `allowCrashForTest`). */
  crashWorkerForTest(index: number, how: 'throw' | 'terminate' = 'throw'): void {
    if (this.#options.allowCrashForTest !== true) throw new MediaError('ERR_INVALID_ARGS', 'crashWorkerForTest needs allowCrashForTest');
    const slot = this.#slots[index];
    if (slot === undefined) throw new MediaError('ERR_INVALID_ARGS', `no media worker ${index}`);
    if (how === 'throw') slot.crashForTest();
    else void slot.terminateForTest();
  }

  /** Closes every worker's engine (legs, sockets), then ends the threads. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= Promise.all(this.#slots.map((slot) => slot.stop())).then(() => undefined);
    return this.#closing;
  }

  async #dispatch(name: EngineCommandName, route: Exclude<RouteKind, 'all'>, args: Args): Promise<unknown> {
    const id = args[ROUTE_KEYS[route]];
    if (typeof id !== 'string' || id === '') throw new MediaError('ERR_INVALID_ARGS', `${name}: ${ROUTE_KEYS[route]} must be a non-empty string`);
    if (route === 'place-leg' && this.#own.legWorker(id) !== undefined) throw new MediaError('ERR_LEG_EXISTS', `media leg "${id}" already exists`);
    const index = this.#target(route, id, args);
    const slot = this.#slots[index];
    if (slot === undefined) throw new MediaError('ERR_WORKER_FAILED', `no media worker ${index}`);
    const effect = EFFECTS[name];
    effect?.sent(this.#own, args, index);
    try {
      await slot.ready;
      const value = await slot.request(name, args);
      effect?.done?.(this.#own, args);
      return value;
    } catch (error) {
      // The objects of a dead worker were already dropped with it.
      if (slot.alive) effect?.failed?.(this.#own, args);
      throw error;
    }
  }

  /** The worker a command goes to. */
  #target(route: Exclude<RouteKind, 'all'>, id: string, args: Args): number {
    const owners: Readonly<Record<Exclude<RouteKind, 'all'>, () => number | undefined>> = {
      'place-leg': () => (typeof args['group'] === 'string' && args['group'] !== '' ? this.#own.groupWorker(args['group']) : undefined),
      'place-room': () => this.#own.roomWorker(id) ?? this.#own.groupWorker(id),
      leg: () => this.#own.legWorker(id),
      room: () => this.#own.roomWorker(id),
      recording: () => this.#own.recordingWorker(id),
      playback: () => this.#own.playbackWorker(id),
    };
    return owners[route]() ?? this.#leastLoaded();
  }

  /** The ready worker with the fewest legs (a starting one only when none is ready). */
  #leastLoaded(): number {
    let best = -1;
    let bestLegs = Infinity;
    for (const slot of this.#slots) {
      const legs = this.#own.legCount(slot.index) + (slot.isReady ? 0 : 1e9);
      if (legs < bestLegs) {
        best = slot.index;
        bestLegs = legs;
      }
    }
    return best < 0 ? 0 : best;
  }

  #spawn(index: number): WorkerSlot {
    const { rtp, codecs, voice, portReuseDelayMs } = this.#options;
    const slice = this.#slices[index] ?? rtp.ports;
    const data: MediaWorkerData = {
      index,
      rtp: { ...rtp, ports: slice },
      logLevel: this.#log.level,
      allowCrashForTest: this.#options.allowCrashForTest === true,
      ...(codecs !== undefined ? { codecs } : {}),
      ...(voice !== undefined ? { voice } : {}),
      ...(portReuseDelayMs !== undefined ? { portReuseDelayMs } : {}),
    };
    return new WorkerSlot(data, { onEvent: this.#onWorkerEvent, onFailure: this.#onWorkerFailure });
  }

  readonly #onWorkerEvent = (slot: WorkerSlot, event: EngineEvent): void => {
    if (this.#slots[slot.index] !== slot) return;
    const effect = EVENT_EFFECTS[event.type] as ((own: Ownership, event: EngineEvent) => void) | undefined;
    effect?.(this.#own, event);
    this.#emit(event);
  };

  readonly #onWorkerFailure = (slot: WorkerSlot, reason: string): void => {
    if (this.#closing !== null || this.#slots[slot.index] !== slot) return;
    const owned = this.#own.dropWorker(slot.index);
    this.#log.error({ workerIndex: slot.index, legs: owned.legs.length, reason }, 'media worker failed; replacing it');
    for (const legId of owned.legs) this.#emit({ type: 'leg.failed', legId, reason });
    for (const roomId of owned.rooms) this.#emit({ type: 'room.closed', roomId });
    for (const recordingId of owned.recordings) this.#emit({ type: 'recording.done', recordingId, path: '', durationMs: 0, bytes: 0, error: reason });
    for (const playbackId of owned.playbacks) this.#emit({ type: 'playback.done', playbackId, reason: 'error' });
    this.#emit({ type: 'engine.worker-failed', workerIndex: slot.index, error: reason, legs: owned.legs.length });
    this.#replace(slot, slot.isReady ? 0 : (this.#options.restartBackoffMs ?? 100));
  };

  /** Starts a new worker in `failed`'s place (after `delayMs` when the last one died at start). */
  #replace(failed: WorkerSlot, delayMs: number): void {
    const start = (): void => {
      if (this.#closing !== null || this.#slots[failed.index] !== failed) return;
      this.#restarts[failed.index] = (this.#restarts[failed.index] ?? 0) + 1;
      // The old thread's sockets are closed with it; ports still held are skipped by the pool (EADDRINUSE).
      this.#slots[failed.index] = this.#spawn(failed.index);
    };
    if (delayMs <= 0) start();
    else setTimeout(start, Math.min(delayMs, MAX_BACKOFF_MS)).unref();
  }

  async #stats(): Promise<EngineStats> {
    if (this.#closing !== null) throw new MediaError('ERR_ENGINE_CLOSED', 'media engine is closed; cannot run engine.stats');
    const ready = this.#slots.filter((slot) => slot.isReady);
    const perWorker = await Promise.all(
      ready.map(async (slot): Promise<WorkerStats | null> => {
        const stats = (await slot.request('engine.stats', {}).catch(() => null)) as EngineStats | null;
        const own = stats?.workers[0];
        if (own === undefined) return null;
        return { ...own, index: slot.index, legs: stats?.legs ?? own.legs, rooms: this.#own.roomCount(slot.index), restarts: this.#restarts[slot.index] ?? 0 };
      }),
    );
    const workers = perWorker.filter((stats): stats is WorkerStats => stats !== null);
    return { legs: workers.reduce((sum, w) => sum + w.legs, 0), rooms: this.#own.rooms, workers };
  }

  /** Delivers an event to every listener; a throwing listener is logged and the others still run. */
  #emit(event: EngineEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        this.#log.error({ err: error, event: event.type }, 'media event listener threw');
      }
    }
  }
}
