/**
 * Structured logs of what the stack refuses, with a counter per reason. Every
 * reject is counted and logged at debug; at info, each reason is logged at
 * most once per `WINDOW_MS`, with how many were not logged since, so a flood
 * of garbage (or a brute-force attempt) shows in the log without filling it.
 */
import type { Logger } from '../logger.js';

export const REJECT_REASONS = [
  /** Answered 400/505/513: unparsable but answerable. */
  'malformed',
  /** Dropped without answer: not even a response could be built. */
  'dropped',
  /** 483: Max-Forwards reached zero. */
  'loop',
  /** 503: over the configured call limit, or shutting down. */
  'overload',
  /** 420: a Require we do not support. */
  'bad-extension',
  /** 416: a Request-URI that is not sip:/sips:. */
  'bad-uri',
  /** 422: a session interval below our Min-SE. */
  'session-interval',
  /** 401/407: challenged (normal for the first try of every client). */
  'challenged',
  /** 403: wrong credentials, or a REGISTER for someone else. */
  'auth-failed',
  /** 401/407 for a reused nonce-count. */
  'auth-replay',
  /** A REGISTER refused by the registrar (400, 423, 500...). */
  'register-refused',
] as const;

export type RejectReason = (typeof REJECT_REASONS)[number];

export const WINDOW_MS = 10_000;

export interface RejectDetails {
  readonly status?: number;
  readonly method?: string | null;
  readonly callId?: string;
  readonly source: string;
  readonly detail?: string;
}

export class RejectLog {
  readonly counts: Record<RejectReason, number>;
  readonly #lastLogged = new Map<RejectReason, number>();
  readonly #unlogged = new Map<RejectReason, number>();

  constructor(
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
    /** Where the counts live (the stack's counters), or a fresh record. */
    counts?: Record<RejectReason, number>,
  ) {
    this.counts = counts ?? (Object.fromEntries(REJECT_REASONS.map((reason) => [reason, 0])) as Record<RejectReason, number>);
  }

  record(reason: RejectReason, details: RejectDetails): void {
    this.counts[reason]++;
    const fields = { reject: reason, ...details };
    const now = this.now();
    const last = this.#lastLogged.get(reason);
    if (reason !== 'challenged' && (last === undefined || now - last >= WINDOW_MS) && this.logger.isLevelEnabled('info')) {
      const suppressed = this.#unlogged.get(reason) ?? 0;
      this.#lastLogged.set(reason, now);
      this.#unlogged.set(reason, 0);
      this.logger.info({ ...fields, suppressed, total: this.counts[reason] }, 'SIP request rejected');
      return;
    }
    this.#unlogged.set(reason, (this.#unlogged.get(reason) ?? 0) + 1);
    if (this.logger.isLevelEnabled('debug')) this.logger.debug(fields, 'SIP request rejected');
  }
}
