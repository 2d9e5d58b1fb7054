/** The live calls, by leg id, so engine events (RTP timeout) and shutdown can reach them. */
import type { CallRegistry, LiveCall } from './call-context.js';

export class LiveCalls implements CallRegistry {
  readonly #calls = new Map<string, LiveCall>();

  add(legId: string, call: LiveCall): void {
    this.#calls.set(legId, call);
  }

  remove(legId: string): void {
    this.#calls.delete(legId);
  }

  get(legId: string): LiveCall | undefined {
    return this.#calls.get(legId);
  }

  get size(): number {
    return this.#calls.size;
  }

  all(): LiveCall[] {
    return [...this.#calls.values()];
  }
}
