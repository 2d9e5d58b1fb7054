/**
 * The live-call registry the admin API reads: the same `CallRegistry` the
 * apps fill (server/apps/call-context.ts), plus listing and change listeners
 * so the event stream can report call start and end. The composition root
 * gives this to the apps instead of a plain LiveCalls.
 */
import type { CallRegistry, LiveCall } from '../apps/call-context.js';

export type CallChange = { readonly kind: 'added' | 'removed'; readonly call: LiveCall };

export class CallDirectory implements CallRegistry {
  readonly #calls = new Map<string, LiveCall>();
  readonly #listeners = new Set<(change: CallChange) => void>();

  add(legId: string, call: LiveCall): void {
    this.#calls.set(legId, call);
    this.#emit({ kind: 'added', call });
  }

  remove(legId: string): void {
    const call = this.#calls.get(legId);
    if (!call) return;
    this.#calls.delete(legId);
    this.#emit({ kind: 'removed', call });
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

  /** Returns an unsubscribe function. A throwing listener does not stop the others. */
  onChange(listener: (change: CallChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(change: CallChange): void {
    for (const listener of this.#listeners) {
      try {
        listener(change);
      } catch {
        // listeners are observers; the registry keeps going
      }
    }
  }
}
