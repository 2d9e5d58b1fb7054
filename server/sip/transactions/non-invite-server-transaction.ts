/**
 * Non-INVITE server transaction, RFC 3261 §17.2.2.
 *
 *   Trying --1xx--> Proceeding --1xx--> Proceeding
 *   Trying/Proceeding --200-699--> Completed --Timer J--> Terminated
 */
import { NO_TIMER, type CancelTimer } from './scheduler.js';
import { retainable, type TransactionEnv } from './transaction.js';

export type NonInviteServerState = 'trying' | 'proceeding' | 'completed' | 'terminated';

export class NonInviteServerTransaction {
  readonly kind = 'non-invite-server';
  #state: NonInviteServerState = 'trying';
  #lastResponse: Buffer | null = null;
  #lastStatus = 0;
  #cancelTimerJ: CancelTimer = NO_TIMER;

  constructor(
    readonly key: string,
    private readonly env: TransactionEnv,
  ) {}

  get state(): NonInviteServerState {
    return this.#state;
  }

  get lastStatus(): number {
    return this.#lastStatus;
  }

  get finished(): boolean {
    return this.#state === 'completed' || this.#state === 'terminated';
  }

  /** A retransmission of the request. Returns true when a response was re-sent. */
  receiveRequest(): boolean {
    // §17.2.2: in Trying, "any further request retransmissions are discarded"; in Proceeding and
    // Completed, the last response "MUST be passed to the transport layer for retransmission".
    if (this.#state === 'trying' || this.#state === 'terminated' || this.#lastResponse === null) return false;
    this.env.send(this.#lastResponse);
    return true;
  }

  respond(status: number, data: Buffer): void {
    if (this.#state === 'completed' || this.#state === 'terminated') return;
    this.#lastResponse = data;
    this.#lastStatus = status;
    this.env.send(data);
    if (status < 200) {
      // §17.2.2: "While in the "Trying" state, if the TU passes a provisional response to the server
      // transaction, the server transaction MUST enter the "Proceeding" state."
      this.#state = 'proceeding';
      return;
    }
    // §17.2.2: "If the TU passes a final response (status codes 200-699) to the server while in the
    // "Proceeding" state, the transaction MUST enter the "Completed" state ... When the server
    // transaction enters the "Completed" state, it MUST set Timer J to fire in 64*T1 seconds for
    // unreliable transports, and zero seconds for reliable transports."
    this.#state = 'completed';
    if (this.env.reliable) {
      this.#terminate();
      return;
    }
    this.#lastResponse = retainable(data); // kept for Timer J
    this.#cancelTimerJ = this.env.scheduler.schedule(this.env.timers.TIMER_J, () => this.#terminate());
  }

  /** §17.2.4: the response could not be sent: nothing more to do but end. */
  transportError(): void {
    this.#terminate();
  }

  dispose(): void {
    this.#terminate();
  }

  #terminate(): void {
    if (this.#state === 'terminated') return;
    // §17.2.2: "The server transaction enters the "Terminated" state when timer J fires."
    this.#state = 'terminated';
    this.#cancelTimerJ();
    this.env.onTerminated();
  }
}
