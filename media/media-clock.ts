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

export interface ClockCounters {
  readonly ticks: number;
  readonly missed: number;
}

/** What the media path sees of time. Inject a `ManualClock` in tests. */
export interface MediaClock {
  readonly frameMs: number;
  /** Monotonic milliseconds. */
  now(): number;
  /** Subscribes to 20 ms ticks; returns the unsubscribe function. */
  onTick(listener: TickListener): () => void;
  /** One-shot timer on this clock's time base; returns a cancel function. */
  setTimer(delayMs: number, callback: () => void): () => void;
  counters(): ClockCounters;
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
  readonly #listeners = new Set<TickListener>();
  /** Snapshot iterated per tick, rebuilt only when listeners change (no per-tick allocation). */
  #listenerList: readonly TickListener[] = [];
  #startMs = 0;
  #nextIndex = 1;
  #cancelTimer: (() => void) | null = null;
  #ticks = 0;
  #missed = 0;
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

  onTick(listener: TickListener): () => void {
    if (this.#closed) return () => undefined;
    this.#listeners.add(listener);
    this.#listenerList = [...this.#listeners];
    if (this.#cancelTimer === null && !this.#firing) this.#start();
    return () => {
      if (!this.#listeners.delete(listener)) return;
      this.#listenerList = [...this.#listeners];
      if (this.#listeners.size === 0 && !this.#firing) this.#stop();
    };
  }

  setTimer(delayMs: number, callback: () => void): () => void {
    return this.#source.set(callback, delayMs);
  }

  counters(): ClockCounters {
    return { ticks: this.#ticks, missed: this.#missed };
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
