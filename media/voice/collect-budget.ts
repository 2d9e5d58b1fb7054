/**
 * How long, in total, the media thread may block in one tick waiting for
 * voice workers (the collect phase). Shared by every transformed leg of the
 * engine, so a hundred legs cannot add a hundred waits to one tick: once the
 * budget is spent, a leg whose output is not there yet gets its fallback.
 */
export class CollectBudget {
  readonly perTickMs: number;
  #tickIndex = Number.NaN;
  #spentMs = 0;

  constructor(perTickMs: number) {
    this.perTickMs = Math.max(0, perTickMs);
  }

  /** Milliseconds still available in tick `tickIndex`. */
  remaining(tickIndex: number): number {
    if (tickIndex !== this.#tickIndex) {
      this.#tickIndex = tickIndex;
      this.#spentMs = 0;
    }
    return this.perTickMs - this.#spentMs;
  }

  spend(tickIndex: number, ms: number): void {
    if (tickIndex !== this.#tickIndex) this.remaining(tickIndex);
    this.#spentMs += ms;
  }
}
