/**
 * INVITE client transaction, RFC 3261 §17.1.1 with the Accepted state of
 * RFC 6026 §7.2 (2xx responses, retransmitted or from other forks, all go to
 * the TU, which ACKs them end to end).
 *
 *   Calling --1xx--> Proceeding
 *   Calling/Proceeding --2xx--> Accepted --Timer M--> Terminated
 *   Calling/Proceeding --300-699 (ACK sent)--> Completed --Timer D--> Terminated
 *   Calling --Timer B or transport error--> Terminated
 */
import type { SipResponse } from '../message.js';
import { NO_TIMER, type CancelTimer } from './scheduler.js';
import type { TransactionEnv } from './transaction.js';

export type InviteClientState = 'calling' | 'proceeding' | 'accepted' | 'completed' | 'terminated';

/** What the transaction user hears. Each callback runs at most when the RFC says the TU is told. */
export interface InviteClientUser {
  /** 1xx responses (the transaction is then in Proceeding). */
  onProvisional(response: SipResponse): void;
  /** The first 300-699 response (already ACKed by the transaction), or every 2xx. */
  onFinal(response: SipResponse): void;
  /** Timer B fired with no final response, or the transport failed. */
  onFailure(kind: 'timeout' | 'transport-error'): void;
}

export class InviteClientTransaction {
  readonly kind = 'invite-client';
  #state: InviteClientState = 'calling';
  #interval: number;
  #ack: Buffer | null = null;
  #cancelTimerA: CancelTimer = NO_TIMER;
  #cancelTimerB: CancelTimer = NO_TIMER;
  #cancelTimerDM: CancelTimer = NO_TIMER;

  constructor(
    readonly key: string,
    private readonly request: Buffer,
    private readonly env: TransactionEnv,
    private readonly user: InviteClientUser,
    /** Builds the ACK for a non-2xx final response (RFC 3261 §17.1.1.3). */
    private readonly ackFor: (response: SipResponse) => Buffer,
  ) {
    this.#interval = env.timers.TIMER_A;
  }

  get state(): InviteClientState {
    return this.#state;
  }

  /** True while a CANCEL may still be sent (a provisional came and no final one yet). */
  get proceeding(): boolean {
    return this.#state === 'proceeding';
  }

  /**
   * §17.1.1.2: "the client transaction MUST ... pass the request to the transport layer ... If an
   * unreliable transport is being used, the client transaction MUST start timer A with a value of
   * T1. ... For any transport, the client transaction MUST start timer B with a value of 64*T1."
   */
  start(): void {
    this.env.send(this.request);
    if (this.#state === 'terminated') return; // the send failed at once
    if (!this.env.reliable) this.#scheduleRetransmit();
    this.#cancelTimerB = this.env.scheduler.schedule(this.env.timers.TIMER_B, () => {
      // "If the client transaction is still in the "Calling" state when timer B fires, the client
      // transaction SHOULD inform the TU that a timeout has occurred."
      if (this.#state === 'calling') this.#fail('timeout');
    });
  }

  receiveResponse(response: SipResponse): void {
    const status = response.status;
    switch (this.#state) {
      case 'calling':
      case 'proceeding':
        if (status < 200) {
          // "If the client transaction receives a provisional response while in the "Calling" state,
          // it transitions to the "Proceeding" state. In the "Proceeding" state, the client
          // transaction SHOULD NOT retransmit the request any longer."
          this.#state = 'proceeding';
          this.#cancelTimerA();
          this.user.onProvisional(response);
        } else if (status < 300) {
          this.#accept(response);
        } else {
          this.#complete(response);
        }
        return;
      case 'accepted':
        // RFC 6026 §7.2: "any 2xx response ... MUST be passed up to the TU"; others are discarded.
        if (status >= 200 && status < 300) this.user.onFinal(response);
        return;
      case 'completed':
        // §17.1.1.2: "Any retransmissions of the final response that are received while in the
        // "Completed" state MUST cause the ACK to be re-passed to the transport layer".
        if (status >= 300 && this.#ack !== null) this.env.send(this.#ack);
        return;
      case 'terminated':
        return;
    }
  }

  /** §17.1.4: "the client transaction SHOULD inform the TU that a transport failure has occurred". */
  transportError(): void {
    if (this.#state === 'calling' || this.#state === 'proceeding') this.#fail('transport-error');
  }

  /** Shutdown: terminate without telling the TU. */
  dispose(): void {
    this.#terminate();
  }

  #accept(response: SipResponse): void {
    // RFC 6026 §7.2: "If a 2xx response is received while the client INVITE state machine is in the
    // "Calling" or "Proceeding" states, it MUST transition to the "Accepted" state, pass the 2xx
    // response to the TU, and set Timer M to 64*T1."
    this.#state = 'accepted';
    this.#cancelTimerA();
    this.#cancelTimerB();
    this.#cancelTimerDM = this.env.scheduler.schedule(this.env.timers.TIMER_M, () => this.#terminate());
    this.user.onFinal(response);
  }

  #complete(response: SipResponse): void {
    // §17.1.1.2: "When in either the "Calling" or "Proceeding" states, reception of a response with
    // status code from 300-699 MUST cause the client transaction to transition to "Completed". The
    // client transaction MUST pass the received response up to the TU, and the client transaction
    // MUST generate an ACK request ... The client transaction SHOULD start timer D when it enters the
    // "Completed" state, with a value of at least 32 seconds for unreliable transports, and a value of
    // zero seconds for reliable transports."
    this.#state = 'completed';
    this.#cancelTimerA();
    this.#cancelTimerB();
    this.#ack = this.ackFor(response);
    this.env.send(this.#ack);
    this.user.onFinal(response);
    if (this.env.reliable) this.#terminate();
    else this.#cancelTimerDM = this.env.scheduler.schedule(this.env.timers.TIMER_D, () => this.#terminate());
  }

  #scheduleRetransmit(): void {
    this.#cancelTimerA = this.env.scheduler.schedule(this.#interval, () => {
      // "When timer A fires, the client transaction MUST retransmit the request by passing it to the
      // transport layer, and MUST reset the timer with a value of 2*T1." (no T2 cap for INVITE)
      if (this.#state !== 'calling') return;
      this.env.send(this.request);
      this.#interval *= 2;
      this.#scheduleRetransmit();
    });
  }

  #fail(kind: 'timeout' | 'transport-error'): void {
    this.#terminate();
    this.user.onFailure(kind);
  }

  #terminate(): void {
    if (this.#state === 'terminated') return;
    this.#state = 'terminated';
    this.#cancelTimerA();
    this.#cancelTimerB();
    this.#cancelTimerDM();
    this.env.onTerminated();
  }
}
