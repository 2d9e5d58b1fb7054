/**
 * The location service (RFC 3261 §10): which contacts are bound to which
 * user. Behind an interface so a shared store (Redis, SQL) can replace the
 * in-memory one when voxbridge runs on several hosts. Bindings keep the flow
 * their REGISTER came on: requests to a contact go there (NAT traversal, and
 * the same TCP or WebSocket connection).
 */
import type { Flow } from '../transport.js';

export interface Binding {
  /** User part of the address-of-record the binding is filed under. */
  readonly user: string;
  /** Contact URI as registered. */
  readonly uri: string;
  /** The URI in comparable form (RFC 3261 §19.1.4, simplified): bindings with equal keys are the same. */
  readonly key: string;
  /** Absolute expiry time (ms, the registrar's clock). */
  readonly expiresAt: number;
  readonly callId: string;
  readonly cseq: number;
  /** Contact q-value (0-1), or null when none was given. */
  readonly q: number | null;
  readonly flow: Flow;
  readonly userAgent: string | null;
  /** When this binding was last refreshed (ms): lookups list the most recent first. */
  readonly updatedAt: number;
}

export interface LocationService {
  /** Live bindings of `user` at time `now`, most recently refreshed first. */
  lookup(user: string, now: number): readonly Binding[];
  /** Replaces every binding of `user` (an empty list removes the user). */
  replace(user: string, bindings: readonly Binding[]): void;
  /** Number of users with bindings (expired ones may linger until touched). */
  readonly users: number;
}

export class InMemoryLocationService implements LocationService {
  readonly #bindings = new Map<string, readonly Binding[]>();

  get users(): number {
    return this.#bindings.size;
  }

  lookup(user: string, now: number): readonly Binding[] {
    const all = this.#bindings.get(user);
    if (all === undefined) return [];
    const live = all.filter((binding) => binding.expiresAt > now);
    if (live.length !== all.length) this.replace(user, live);
    return [...live].sort((a, b) => b.updatedAt - a.updatedAt);
  }

  replace(user: string, bindings: readonly Binding[]): void {
    if (bindings.length === 0) this.#bindings.delete(user);
    else this.#bindings.set(user, bindings);
  }
}
