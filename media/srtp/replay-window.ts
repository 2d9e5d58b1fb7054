/**
 * The receiver's replay list (RFC 3711 §3.3.2): a 64-entry sliding window
 * behind the highest index authenticated so far. An index at or below the
 * window's floor, or one already seen inside it, is a replay.
 */
export const REPLAY_WINDOW = 64;

export class ReplayWindow {
  #highest = -1;
  /** seen[i % 64] holds the index last marked in that slot. */
  readonly #seen = new Float64Array(REPLAY_WINDOW).fill(-1);

  /** Whether `index` may be accepted (not too old, not seen). Does not mark it. */
  check(index: number): boolean {
    if (this.#highest < 0 || index > this.#highest) return true;
    if (this.#highest - index >= REPLAY_WINDOW) return false;
    return this.#seen[index % REPLAY_WINDOW] !== index;
  }

  /** Marks `index` as received (call only after it authenticated). */
  accept(index: number): void {
    if (index > this.#highest) this.#highest = index;
    this.#seen[index % REPLAY_WINDOW] = index;
  }

  get highest(): number {
    return this.#highest;
  }
}
