/**
 * The media clock: one per engine, ticking at `start + n × 20 ms` on absolute
 * deadlines from a monotonic source. Each tick re-arms a one-shot timer for the
 * next deadline (never setInterval, which drifts). A tick that wakes up late
 * skips the slots it missed and tells listeners how many (`missed`), so they
 * can advance their timelines instead of bursting packets to catch up.
 *
 * The clock only runs while something listens: idle engines, and legs that do
 * not subscribe (held, inactive, no application), cost nothing per tick.
 */

export const FRAME_MS = 20;

export interface ClockTick {
  /** Slot number since the clock (re)started: this tick is due at start + index × frameMs. */
  readonly index: number;
  /** The clock's time when the tick runs (ms, monotonic). */
  readonly timeMs: number;
  /** Slots skipped just before this one because the tick woke up late. */
  readonly missed: number;
}

export type TickListener = (tick: ClockTick) => void;

/**
 * Within one tick, listeners run phase by phase so a room can mix what every
 * leg captured in this very tick (no extra frame of delay): legs pull and run
 * their input stages in `capture`, pick up asynchronous results (voice
 * transforms) in `collect`, rooms mix in `mix`, and legs encode and send in
 * `send`. Within a phase, listeners run in subscription order.
 */
export const TICK_PHASES = ['capture', 'collect', 'mix', 'send'] as const;
export type TickPhase = (typeof TICK_PHASES)[number];

export interface ClockCounters {
  readonly ticks: number;
  readonly missed: number;
}

/** How late ticks ran after their deadline (ms). Percentiles are bucket upper edges (never optimistic). */
export interface LatenessSummary {
  readonly ticks: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

export interface ClockLateness {
  /** The last one to two windows of `LATENESS_WINDOW_TICKS` ticks (10–20 s at 20 ms). */
  readonly recent: LatenessSummary;
  /** Since the clock was created. */
  readonly total: LatenessSummary;
}

/** Ticks per lateness window: 500 × 20 ms = 10 s. */
export const LATENESS_WINDOW_TICKS = 500;
/** Histogram layout: 0.05 ms buckets below 10 ms, 1 ms buckets from 10 ms to 500 ms, then one overflow bucket. */
const FINE_LIMIT_MS = 10;
const FINE_STEP_MS = 0.05;
const FINE_BUCKETS = FINE_LIMIT_MS / FINE_STEP_MS;
const COARSE_BUCKETS = 490;
const BUCKETS = FINE_BUCKETS + COARSE_BUCKETS + 1;

function bucketOf(latenessMs: number): number {
  if (latenessMs < FINE_LIMIT_MS) return Math.floor(latenessMs / FINE_STEP_MS);
  return Math.min(FINE_BUCKETS + Math.floor(latenessMs - FINE_LIMIT_MS), BUCKETS - 1);
}

function bucketUpperEdge(bucket: number): number {
  if (bucket >= BUCKETS - 1) return Infinity; // overflow: the exact maximum bounds it
  if (bucket < FINE_BUCKETS) return Math.round((bucket + 1) * FINE_STEP_MS * 100) / 100;
  return FINE_LIMIT_MS + (bucket - FINE_BUCKETS + 1);
}

/**
 * Fixed-bucket lateness histogram: recording is one index computation and
 * one increment (no allocation per tick); percentiles are computed on demand.
 */
export class LatenessHistogram {
  readonly #counts = new Uint32Array(BUCKETS);
  #ticks = 0;
  #maxMs = 0;

  record(latenessMs: number): void {
    const value = latenessMs > 0 ? latenessMs : 0;
    const bucket = bucketOf(value);
    this.#counts[bucket] = (this.#counts[bucket] ?? 0) + 1;
    this.#ticks++;
    if (value > this.#maxMs) this.#maxMs = value;
  }

  get ticks(): number {
    return this.#ticks;
  }

  reset(): void {
    this.#counts.fill(0);
    this.#ticks = 0;
    this.#maxMs = 0;
  }

  /** Summary of this histogram merged with `other` (the previous window), if given. */
  summary(other?: LatenessHistogram): LatenessSummary {
    const otherCounts = other === undefined ? null : other.#counts;
    const ticks = this.#ticks + (other === undefined ? 0 : other.#ticks);
    const maxMs = Math.max(this.#maxMs, other === undefined ? 0 : other.#maxMs);
    if (ticks === 0) return { ticks: 0, p50Ms: 0, p99Ms: 0, maxMs: 0 };
    const p50Rank = Math.ceil(ticks * 0.5);
    const p99Rank = Math.ceil(ticks * 0.99);
    let seen = 0;
    let p50Ms = -1;
    let p99Ms = -1;
    for (let bucket = 0; bucket < BUCKETS && p99Ms < 0; bucket++) {
      seen += (this.#counts[bucket] ?? 0) + (otherCounts?.[bucket] ?? 0);
      if (p50Ms < 0 && seen >= p50Rank) p50Ms = bucketUpperEdge(bucket);
      if (seen >= p99Rank) p99Ms = bucketUpperEdge(bucket);
    }
    // Bucket edges overstate by up to one bucket; the exact maximum bounds both.
    return { ticks, p50Ms: Math.min(p50Ms, maxMs), p99Ms: Math.min(p99Ms, maxMs), maxMs };
  }
}

/** What the media path sees of time. Inject a `ManualClock` in tests. */
export interface MediaClock {
  readonly frameMs: number;
  /** Monotonic milliseconds. */
  now(): number;
  /** Subscribes to 20 ms ticks in `phase` (default `capture`); returns the unsubscribe function. */
  onTick(listener: TickListener, phase?: TickPhase): () => void;
  /** One-shot timer on this clock's time base; returns a cancel function. */
  setTimer(delayMs: number, callback: () => void): () => void;
  counters(): ClockCounters;
  /** How late ticks ran after their deadlines. */
  lateness(): ClockLateness;
  /** Stops ticking and drops all listeners. Timers already set still fire unless cancelled. */
  close(): void;
}

/** The time source a clock runs on: real (performance.now + setTimeout) or manual. */
export interface TimerSource {
  now(): number;
  set(callback: () => void, delayMs: number): () => void;
}

export const realTimerSource: TimerSource = {
  now: () => performance.now(),
  set(callback, delayMs) {
    const handle = setTimeout(callback, Math.max(0, delayMs));
    return () => clearTimeout(handle);
  },
};

/** The tick logic, shared by the real clock and `ManualClock`. */
export class TickingClock implements MediaClock {
  readonly frameMs: number;
  readonly #source: TimerSource;
  readonly #listeners = new Map<TickListener, TickPhase>();
  /** Snapshot in phase order, iterated per tick, rebuilt only when listeners change (no per-tick allocation). */
  #listenerList: readonly TickListener[] = [];
  #startMs = 0;
  #nextIndex = 1;
  #cancelTimer: (() => void) | null = null;
  #ticks = 0;
  #missed = 0;
  readonly #latenessTotal = new LatenessHistogram();
  /** Two rotating windows: `recent` reports the current one merged with the previous one. */
  #latenessWindow = new LatenessHistogram();
  #latenessPrevious = new LatenessHistogram();
  #closed = false;
  /** True while listeners run, so (un)subscribing from inside a tick cannot double-arm. */
  #firing = false;

  constructor(source: TimerSource = realTimerSource, frameMs = FRAME_MS) {
    this.#source = source;
    this.frameMs = frameMs;
  }

  now(): number {
    return this.#source.now();
  }

  onTick(listener: TickListener, phase: TickPhase = 'capture'): () => void {
    if (this.#closed) return () => undefined;
    // The same function subscribed twice would run once; wrap so each subscription is its own.
    const entry: TickListener = this.#listeners.has(listener) ? (tick) => listener(tick) : listener;
    this.#listeners.set(entry, phase);
    this.#rebuildList();
    if (this.#cancelTimer === null && !this.#firing) this.#start();
    return () => {
      if (!this.#listeners.delete(entry)) return;
      this.#rebuildList();
      if (this.#listeners.size === 0 && !this.#firing) this.#stop();
    };
  }

  #rebuildList(): void {
    const list: TickListener[] = [];
    for (const phase of TICK_PHASES) for (const [listener, p] of this.#listeners) if (p === phase) list.push(listener);
    this.#listenerList = list;
  }

  setTimer(delayMs: number, callback: () => void): () => void {
    return this.#source.set(callback, delayMs);
  }

  counters(): ClockCounters {
    return { ticks: this.#ticks, missed: this.#missed };
  }

  lateness(): ClockLateness {
    return { recent: this.#latenessWindow.summary(this.#latenessPrevious), total: this.#latenessTotal.summary() };
  }

  #recordLateness(latenessMs: number): void {
    this.#latenessTotal.record(latenessMs);
    if (this.#latenessWindow.ticks >= LATENESS_WINDOW_TICKS) {
      const previous = this.#latenessPrevious;
      this.#latenessPrevious = this.#latenessWindow;
      this.#latenessWindow = previous;
      previous.reset();
    }
    this.#latenessWindow.record(latenessMs);
  }

  close(): void {
    this.#closed = true;
    this.#listeners.clear();
    this.#listenerList = [];
    this.#stop();
  }

  #start(): void {
    this.#startMs = this.#source.now();
    this.#nextIndex = 1;
    this.#arm();
  }

  #stop(): void {
    this.#cancelTimer?.();
    this.#cancelTimer = null;
  }

  #arm(): void {
    const deadline = this.#startMs + this.#nextIndex * this.frameMs;
    this.#cancelTimer = this.#source.set(this.#fire, deadline - this.#source.now());
  }

  readonly #fire = (): void => {
    this.#cancelTimer = null;
    const now = this.#source.now();
    // The slot whose deadline has most recently passed; a timer firing a hair
    // early (setTimeout granularity) still counts as the slot it was armed for.
    const due = Math.max(this.#nextIndex, Math.floor((now - this.#startMs) / this.frameMs));
    const missed = due - this.#nextIndex;
    // Lateness against the deadline this timer was armed for (missed slots included).
    this.#recordLateness(now - (this.#startMs + this.#nextIndex * this.frameMs));
    this.#missed += missed;
    this.#ticks++;
    this.#nextIndex = due + 1;
    const tick: ClockTick = { index: due, timeMs: now, missed };
    this.#firing = true;
    try {
      // A listener added during this tick starts at the next; one removed during it does not run again.
      for (const listener of this.#listenerList) if (this.#listeners.has(listener)) listener(tick);
    } finally {
      this.#firing = false;
    }
    // Listeners may have removed the last listener or closed the clock meanwhile.
    if (!this.#closed && this.#listeners.size > 0) this.#arm();
  };
}

/** The production clock: performance.now() and setTimeout. */
export function createMediaClock(): MediaClock {
  return new TickingClock(realTimerSource);
}
