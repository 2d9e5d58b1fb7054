/**
 * The nonces we hand out in challenges. Each is random, remembered with the
 * time it was issued and the highest nonce-count used with it, so that an
 * expired nonce is re-challenged with stale=true and a reused nonce-count
 * (a replayed request) is refused (RFC 7616 §3.3, §5.4). Memory is bounded:
 * past `capacity` the oldest nonces are forgotten (their users simply get a
 * fresh challenge).
 */
import { randomBytes } from 'node:crypto';

export type NonceVerdict = 'ok' | 'stale' | 'unknown' | 'replay';

interface IssuedNonce {
  readonly issuedAt: number;
  lastNc: number;
}

export const DEFAULT_NONCE_CAPACITY = 50_000;

export class NonceStore {
  readonly #issued = new Map<string, IssuedNonce>();

  constructor(
    private readonly lifetimeMs: number,
    private readonly now: () => number = Date.now,
    private readonly capacity = DEFAULT_NONCE_CAPACITY,
  ) {}

  get size(): number {
    return this.#issued.size;
  }

  issue(): string {
    this.#forgetOld();
    const nonce = randomBytes(18).toString('base64url');
    this.#issued.set(nonce, { issuedAt: this.now(), lastNc: 0 });
    return nonce;
  }

  /** What `nonce` used with nonce-count `nc` (hex, as sent) is worth; nothing is recorded. */
  check(nonce: string, nc: string): NonceVerdict {
    const entry = this.#issued.get(nonce);
    if (entry === undefined) return 'unknown';
    if (this.now() - entry.issuedAt > this.lifetimeMs) return 'stale';
    const count = parseNonceCount(nc);
    return count === null || count <= entry.lastNc ? 'replay' : 'ok';
  }

  /** Records a successful use, so the same nonce-count cannot be used again. */
  commit(nonce: string, nc: string): void {
    const entry = this.#issued.get(nonce);
    const count = parseNonceCount(nc);
    if (entry !== undefined && count !== null && count > entry.lastNc) entry.lastNc = count;
  }

  #forgetOld(): void {
    const cutoff = this.now() - this.lifetimeMs;
    for (const [nonce, entry] of this.#issued) {
      // Insertion order is issue order: stop at the first one still young and within capacity.
      if (entry.issuedAt >= cutoff && this.#issued.size < this.capacity) break;
      this.#issued.delete(nonce);
    }
  }
}

/** nc is 8 hex digits (RFC 7616 §3.4); null when it is not. */
function parseNonceCount(nc: string): number | null {
  return /^[0-9a-fA-F]{8}$/.test(nc) ? Number.parseInt(nc, 16) : null;
}
