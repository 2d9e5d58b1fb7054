/** Engine-wide commands and events: health of the media plane itself. */

/** Tick lateness over a span of ticks (ms; percentiles are histogram bucket upper edges). */
export interface LatenessFigures {
  readonly ticks: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

export interface ClockStats {
  readonly ticks: number;
  /** Slots skipped because a tick woke up more than a frame late. */
  readonly missed: number;
  /** How late ticks ran behind their deadline (ms), over the recent window (the last 10–20 s). */
  readonly latenessP50Ms: number;
  readonly latenessP99Ms: number;
  readonly latenessMaxMs: number;
  /** The same since the clock was created. */
  readonly total: LatenessFigures;
}

export interface WorkerStats {
  /** The worker's slot (0 for an in-process engine); a replacement keeps its predecessor's index. */
  readonly index: number;
  readonly threadId: number;
  readonly legs: number;
  readonly rooms: number;
  /**
   * Event-loop utilisation of the engine's thread since the previous
   * `engine.stats`, % of one core (Node 20 has no per-thread CPU clock; this
   * is the share of wall time the thread was busy rather than idle in epoll).
   */
  readonly cpuPercent: number;
  readonly clock: ClockStats;
  /** Times this slot's worker was replaced after a crash. */
  readonly restarts: number;
  /** V8 heap used by the thread's isolate. */
  readonly heapUsedBytes: number;
  /** Memory outside the V8 heap held by the isolate (Buffers, ArrayBuffers, WASM). */
  readonly externalBytes: number;
}

export interface EngineStats {
  readonly legs: number;
  readonly rooms: number;
  readonly workers: readonly WorkerStats[];
}

export interface EngineWideCommands {
  'engine.stats': { args: Record<string, never>; result: EngineStats };
}

export type EngineWideEvent =
  /** A media worker died; its legs are gone (each also gets `leg.failed`) and a new worker took its place. */
  { readonly type: 'engine.worker-failed'; readonly workerIndex: number; readonly error: string; readonly legs: number };
