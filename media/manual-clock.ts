/**
 * A `MediaClock` driven by hand, for tests: time only moves when the test calls
 * `advance` (every timer and tick fires at its exact due time, in order) or
 * `stall` (time jumps and due timers fire once at the end, as after a blocked
 * event loop, so the clock's skip-on-late-tick path runs).
 */
import { FRAME_MS, TickingClock, type TimerSource } from './media-clock.js';

interface PendingTimer {
  readonly due: number;
  readonly order: number;
  readonly callback: () => void;
  cancelled: boolean;
}

class ManualTimerSource implements TimerSource {
  time = 0;
  #order = 0;
  #pending: PendingTimer[] = [];

  now(): number {
    return this.time;
  }

  set(callback: () => void, delayMs: number): () => void {
    const timer: PendingTimer = { due: this.time + Math.max(0, delayMs), order: this.#order++, callback, cancelled: false };
    this.#pending.push(timer);
    return () => {
      timer.cancelled = true;
    };
  }

  /** Removes and returns the earliest live timer due at or before `limit`. */
  takeDue(limit: number): PendingTimer | null {
    this.#pending = this.#pending.filter((t) => !t.cancelled);
    let best: PendingTimer | null = null;
    for (const timer of this.#pending) {
      if (timer.due > limit) continue;
      if (best === null || timer.due < best.due || (timer.due === best.due && timer.order < best.order)) best = timer;
    }
    if (best !== null) this.#pending.splice(this.#pending.indexOf(best), 1);
    return best;
  }

  pendingCount(): number {
    return this.#pending.filter((t) => !t.cancelled).length;
  }
}

export class ManualClock extends TickingClock {
  readonly #manual: ManualTimerSource;

  constructor(frameMs = FRAME_MS) {
    const source = new ManualTimerSource();
    super(source, frameMs);
    this.#manual = source;
  }

  /** Moves time forward by `ms`, firing every tick and timer at its due time. */
  advance(ms: number): void {
    const target = this.#manual.time + ms;
    for (let timer = this.#manual.takeDue(target); timer !== null; timer = this.#manual.takeDue(target)) {
      this.#manual.time = Math.max(this.#manual.time, timer.due);
      timer.callback();
    }
    this.#manual.time = target;
  }

  /** Jumps time forward by `ms` without firing, then fires whatever is due, late. */
  stall(ms: number): void {
    this.#manual.time += ms;
    this.advance(0);
  }

  /** Live timers (including the next tick), for tests that check nothing is left armed. */
  pendingTimers(): number {
    return this.#manual.pendingCount();
  }
}
