/** A TimerSource the test moves by hand: `advance` fires timers at their exact due times, `stall` fires them late. */
import type { TimerSource } from '../../../media/media-clock.js';

interface Timer {
  readonly due: number;
  readonly callback: () => void;
  cancelled: boolean;
}

export class ManualTimers implements TimerSource {
  time = 0;
  #timers: Timer[] = [];

  now(): number {
    return this.time;
  }

  set(callback: () => void, delayMs: number): () => void {
    const timer: Timer = { due: this.time + Math.max(0, delayMs), callback, cancelled: false };
    this.#timers.push(timer);
    return () => {
      timer.cancelled = true;
    };
  }

  /** Moves time to `to`, running each due timer at its due time. */
  advanceTo(to: number): void {
    for (let timer = this.#next(to); timer !== null; timer = this.#next(to)) {
      this.time = Math.max(this.time, timer.due);
      timer.callback();
    }
    this.time = to;
  }

  /** Time jumps by `ms` with the loop blocked; due timers then run once, late. */
  stall(ms: number): void {
    this.time += ms;
    this.advanceTo(this.time);
  }

  #next(limit: number): Timer | null {
    this.#timers = this.#timers.filter((t) => !t.cancelled);
    const due = this.#timers.filter((t) => t.due <= limit).sort((a, b) => a.due - b.due)[0] ?? null;
    if (due !== null) due.cancelled = true;
    return due;
  }
}
