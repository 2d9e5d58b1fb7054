/**
 * Non-INVITE client transaction, RFC 3261 §17.1.2 (we use it for BYE).
 *
 *   Trying --1xx--> Proceeding
 *   Trying/Proceeding --200-699--> Completed --Timer K--> Terminated
 *   Trying/Proceeding --Timer F or transport error--> Terminated
 */
import type { SipResponse } from '../message.js';
import { NO_TIMER, type CancelTimer } from './scheduler.js';
import { backoff } from './timers.js';
import type { TransactionEnv } from './transaction.js';

export type NonInviteClientState = 'trying' | 'proceeding' | 'completed' | 'terminated';

export type ClientOutcome =
  | { readonly kind: 'response'; readonly response: SipResponse }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'transport-error' }
  | { readonly kind: 'disposed' };

export class NonInviteClientTransaction {
  readonly kind = 'non-invite-client';
  #state: NonInviteClientState = 'trying';
  #interval: number;
  #cancelTimerE: CancelTimer = NO_TIMER;
  #cancelTimerF: CancelTimer = NO_TIMER;
  #cancelTimerK: CancelTimer = NO_TIMER;
  #settle: (outcome: ClientOutcome) => void = () => undefined;
  /** Settles with the final response, or why there is none; never rejects. */
  readonly outcome: Promise<ClientOutcome>;

  constructor(
    readonly key: string,
    private readonly request: Buffer,
    private readonly env: TransactionEnv,
  ) {
    this.#interval = env.timers.TIMER_E;
    this.outcome = new Promise((resolve) => {
      this.#settle = resolve;
    });
  }

  get state(): NonInviteClientState {
    return this.#state;
  }

  /**
   * §17.1.2.2: "The "Trying" state is entered when the TU initiates a new client transaction with a
   * request. When entering this state, the client transaction SHOULD set timer F to fire in 64*T1
   * seconds. The request MUST be passed to the transport layer for transmission. If an unreliable
   * transport is in use, the client transaction MUST set timer E to fire in T1 seconds."
   */
  start(): void {
    this.env.send(this.request);
    if (this.#state === 'terminated') return; // the send failed at once (transportError)
    this.#cancelTimerF = this.env.scheduler.schedule(this.env.timers.TIMER_F, () => {
      // §17.1.2.2: "If Timer F fires while in the "Trying" or "Proceeding" state, the client
      // transaction SHOULD inform the TU about the timeout, and then it SHOULD enter the "Terminated" state."
      if (this.#state === 'trying' || this.#state === 'proceeding') this.#finish({ kind: 'timeout' });
    });
    if (!this.env.reliable) this.#scheduleRetransmit();
  }

  receiveResponse(response: SipResponse): void {
    if (this.#state !== 'trying' && this.#state !== 'proceeding') return; // Completed absorbs retransmissions.
    if (response.status < 200) {
      // §17.1.2.2: "If a provisional response is received while in the "Trying" state, the response
      // MUST be passed to the TU, and then the client transaction SHOULD move to the "Proceeding" state."
      this.#state = 'proceeding';
      return;
    }
    // §17.1.2.2: "If a final response (status codes 200-699) is received while in the "Trying" or
    // "Proceeding" state, the response MUST be passed to the TU, and the client transaction MUST
    // transition to the "Completed" state." Timer K: T4 for unreliable transports, zero for reliable.
    this.#state = 'completed';
    this.#cancelTimerE();
    this.#cancelTimerF();
    this.#settle({ kind: 'response', response });
    if (this.env.reliable) this.#terminate();
    else this.#cancelTimerK = this.env.scheduler.schedule(this.env.timers.TIMER_K, () => this.#terminate());
  }

  /** §17.1.4: "the client transaction SHOULD inform the TU that a transport failure has occurred". */
  transportError(): void {
    if (this.#state === 'trying' || this.#state === 'proceeding') this.#finish({ kind: 'transport-error' });
  }

  dispose(): void {
    this.#finish({ kind: 'disposed' });
  }

  #scheduleRetransmit(): void {
    this.#cancelTimerE = this.env.scheduler.schedule(this.#interval, () => {
      if (this.#state !== 'trying' && this.#state !== 'proceeding') return;
      // §17.1.2.2: "If timer E fires while still in this ["Trying"] state, the timer is reset, but
      // this time with a value of MIN(2*T1, T2)." / "If Timer E fires while in the "Proceeding"
      // state, the request MUST be passed to the transport layer for retransmission, and Timer E
      // MUST be reset with a value of T2 seconds."
      this.env.send(this.request);
      this.#interval = this.#state === 'proceeding' ? this.env.timers.T2 : backoff(this.#interval, this.env.timers.T2);
      this.#scheduleRetransmit();
    });
  }

  #finish(outcome: ClientOutcome): void {
    this.#settle(outcome);
    this.#terminate();
  }

  #terminate(): void {
    if (this.#state === 'terminated') return;
    this.#state = 'terminated';
    this.#cancelTimerE();
    this.#cancelTimerF();
    this.#cancelTimerK();
    this.env.onTerminated();
  }
}
