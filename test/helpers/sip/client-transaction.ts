/**
 * A client transaction as the test client needs it (RFC 3261 §17.1): send the
 * request, retransmit it on UDP (Timer A for INVITE, Timer E for the rest),
 * collect every response, settle on the first final one, and for an INVITE
 * answered with a non-2xx final, send (and re-send) the ACK of §17.1.1.3.
 */
import type { SipConnection } from './transport.js';
import type { SipMessage } from './message.js';
import { SipTestClientError } from './errors.js';
import { deferred, type Deferred } from './wait.js';

/** RFC 3261 T2: the cap on non-INVITE retransmission intervals. */
const T2_MS = 4000;

interface Waiter {
  readonly match: (response: SipMessage) => boolean;
  readonly resolve: (response: SipMessage) => void;
}

export interface ClientTransactionOptions {
  readonly connection: SipConnection;
  /** The serialised request. */
  readonly text: string;
  readonly method: string;
  readonly branch: string;
  readonly t1Ms: number;
  /** Builds the ACK for a non-2xx final response (INVITE only). */
  readonly buildAck?: (final: SipMessage) => string;
}

export class ClientTransaction {
  readonly responses: SipMessage[] = [];
  /** Resolves with the first final response; rejects after Timer B/F (64·T1) or on abort. */
  readonly final: Promise<SipMessage>;
  readonly key: string;
  readonly branch: string;
  private readonly settle: Deferred<SipMessage> = deferred<SipMessage>();
  private retransmitTimer: NodeJS.Timeout | undefined;
  private giveUpTimer: NodeJS.Timeout | undefined;
  private interval: number;
  private ackText: string | undefined;
  private done = false;
  private readonly waiters: Waiter[] = [];

  constructor(private readonly options: ClientTransactionOptions) {
    this.key = transactionKey(options.branch, options.method);
    this.branch = options.branch;
    this.interval = options.t1Ms;
    // Callers may only look at `responses`; deferred() keeps an unobserved rejection harmless.
    this.final = this.settle.promise;
  }

  start(): void {
    this.options.connection.send(this.options.text);
    if (this.options.connection.kind === 'udp') this.scheduleRetransmit();
    this.giveUpTimer = setTimeout(
      () => this.abort(new SipTestClientError('TIMEOUT', `no final response to ${this.options.method} within 64*T1`)),
      64 * this.options.t1Ms,
    );
    this.giveUpTimer.unref(); // a forgotten client must not keep the test process alive
  }

  private scheduleRetransmit(): void {
    this.retransmitTimer = setTimeout(() => {
      this.options.connection.send(this.options.text);
      this.interval = this.options.method === 'INVITE' ? this.interval * 2 : Math.min(this.interval * 2, T2_MS);
      this.scheduleRetransmit();
    }, this.interval);
    this.retransmitTimer.unref();
  }

  /** Feeds a response whose top Via branch and CSeq method match this transaction. */
  receive(response: SipMessage): void {
    if (this.done) {
      // A retransmitted non-2xx final: our ACK was lost, send it again (§17.1.1.2).
      if (response.status >= 300 && this.ackText !== undefined) this.options.connection.send(this.ackText);
      return;
    }
    this.responses.push(response);
    for (const waiter of this.waiters.splice(0)) {
      if (waiter.match(response)) waiter.resolve(response);
      else this.waiters.push(waiter);
    }
    if (response.status < 200) {
      // INVITE: any provisional stops Timer A. Non-INVITE: keep going at T2 (§17.1.2.2).
      clearTimeout(this.retransmitTimer);
      if (this.options.method !== 'INVITE' && this.options.connection.kind === 'udp') {
        this.interval = T2_MS;
        this.scheduleRetransmit();
      }
      return;
    }
    if (response.status >= 300 && this.options.buildAck) {
      this.ackText = this.options.buildAck(response);
      this.options.connection.send(this.ackText);
    }
    this.finish();
    this.settle.resolve(response);
  }

  /** The first response (already seen or future) that satisfies `match`. */
  waitFor(match: (response: SipMessage) => boolean): Promise<SipMessage> {
    const seen = this.responses.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }

  /** Stops timers and rejects the final promise (close, timeout). */
  abort(error: Error): void {
    if (this.done) return;
    this.finish();
    this.settle.reject(error);
  }

  private finish(): void {
    this.done = true;
    clearTimeout(this.retransmitTimer);
    clearTimeout(this.giveUpTimer);
  }

  /** Clears timers; the transaction keeps answering retransmitted finals until dropped. */
  dispose(): void {
    this.finish();
  }
}

export function transactionKey(branch: string, method: string): string {
  return `${branch}|${method.toUpperCase()}`;
}
