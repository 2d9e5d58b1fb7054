/**
 * INVITE server transaction, RFC 3261 §17.2.1 with the Accepted state of
 * RFC 6026 §7.1 (2xx responses are retransmitted by the UAS core, and
 * retransmitted INVITEs after a 2xx are absorbed here instead of looking new).
 *
 *   Proceeding --1xx--> Proceeding
 *   Proceeding --2xx--> Accepted --Timer L--> Terminated
 *   Proceeding --300-699--> Completed --ACK--> Confirmed --Timer I--> Terminated
 *                           Completed --Timer H--> Terminated (no ACK)
 */
import { NO_TIMER, type CancelTimer } from './scheduler.js';
import { backoff } from './timers.js';
import { retainable, type TransactionEnv } from './transaction.js';

export type InviteServerState = 'proceeding' | 'accepted' | 'completed' | 'confirmed' | 'terminated';

export class InviteServerTransaction {
  readonly kind = 'invite-server';
  #state: InviteServerState = 'proceeding';
  #lastResponse: Buffer | null = null;
  #lastStatus = 0;
  #interval: number;
  #cancelRetransmit: CancelTimer = NO_TIMER;
  #cancelTimeout: CancelTimer = NO_TIMER;
  #cancelTrying: CancelTimer = NO_TIMER;
  #buildTrying: (() => Buffer) | null = null;
  /** Called if Timer H fires: our non-2xx final response was never acknowledged. */
  onAckTimeout: (() => void) | null = null;
  /** Called if a response could not be handed to the transport. */
  onTransportError: (() => void) | null = null;
  /** Called once, when the final response (or termination) leaves Proceeding. */
  onFinished: (() => void) | null = null;

  constructor(
    readonly key: string,
    private readonly env: TransactionEnv,
  ) {
    this.#interval = env.timers.TIMER_G;
  }

  get state(): InviteServerState {
    return this.#state;
  }

  /** Status of the most recent response sent (0 before any). */
  get lastStatus(): number {
    return this.#lastStatus;
  }

  /** True once a final response has been sent. */
  get finished(): boolean {
    return this.#state !== 'proceeding';
  }

  /**
   * §17.2.1: "The server transaction MUST generate a 100 (Trying) response unless it knows that
   * the TU will generate a provisional or final response within 200 ms". We cannot know, so we
   * wait `delayMs` (under 200 ms and T1) and send the 100 only if the TU has not answered by then:
   * a call answered at once costs one datagram less.
   */
  sendTryingAfter(delayMs: number, build: () => Buffer): void {
    this.#buildTrying = build;
    if (delayMs <= 0) this.#sendTrying();
    else this.#cancelTrying = this.env.scheduler.schedule(delayMs, () => this.#sendTrying());
  }

  /** A retransmission of the INVITE. Returns true when a response was re-sent. */
  receiveRequest(): boolean {
    if (this.#state === 'proceeding' && this.#lastResponse === null && this.#buildTrying !== null) {
      this.#sendTrying(); // the caller is waiting longer than we planned: the 100 now
      return true;
    }
    if (this.#state === 'proceeding' || this.#state === 'completed') {
      // §17.2.1: "If a request retransmission is received while in the "Proceeding" state, the most
      // recent provisional response that was received from the TU MUST be passed to the transport
      // layer for retransmission." / "while in the "Completed" state, if a request retransmission
      // is received, the server SHOULD pass the response to the transport for retransmission."
      if (this.#lastResponse === null) return false;
      this.env.send(this.#lastResponse);
      return true;
    }
    // RFC 6026 §7.1: in Accepted, "any retransmissions of the INVITE received will be absorbed".
    // Confirmed: "any retransmissions of the ACK ... are absorbed".
    return false;
  }

  /** The TU's response (provisional or final). Ignored once a final response went out. */
  respond(status: number, data: Buffer): void {
    if (this.#state !== 'proceeding') return;
    this.#cancelTrying();
    this.#cancelTrying = NO_TIMER;
    this.#buildTrying = null;
    this.#lastResponse = data;
    this.#lastStatus = status;
    this.env.send(data);
    if (status < 200) return; // §17.2.1: provisional responses keep the transaction in Proceeding.
    this.#finished();
    if (status < 300) {
      // RFC 6026 §7.1: "If, while in the 'Proceeding' state, the TU passes a 2xx response to the
      // server transaction, the server transaction MUST pass this response to the transport layer
      // for transmission ... The server transaction MUST then transition to the 'Accepted' state."
      this.#state = 'accepted';
      this.#lastResponse = null; // never re-sent from here: the dialog layer retransmits 2xx
      this.#cancelTimeout = this.env.scheduler.schedule(this.env.timers.TIMER_L, () => this.#terminate());
      return;
    }
    // §17.2.1: "While in the "Proceeding" state, if the TU passes a response with status code from
    // 300 to 699 to the server transaction, the response MUST be passed to the transport layer for
    // transmission, and the state machine MUST enter the "Completed" state. For unreliable
    // transports, timer G is set to fire in T1 seconds ... When the "Completed" state is entered,
    // timer H MUST be set to fire in 64*T1 seconds for all transports."
    this.#state = 'completed';
    if (!this.env.reliable) {
      this.#lastResponse = retainable(data); // kept for Timer G/H
      this.#scheduleRetransmit();
    }
    this.#cancelTimeout = this.env.scheduler.schedule(this.env.timers.TIMER_H, () => {
      // §17.2.1: "If timer H fires while in the "Completed" state, it implies that the ACK was never
      // received. In this case, the server transaction MUST transition to the "Terminated" state,
      // and MUST indicate to the TU that a transaction failure has occurred."
      this.#terminate();
      this.onAckTimeout?.();
    });
  }

  /** Only a 2xx (pass to the dialog layer) is in Accepted; returns true when the ACK was absorbed here. */
  receiveAck(): boolean {
    if (this.#state === 'completed') {
      // §17.2.1: "If an ACK is received while the server transaction is in the "Completed" state,
      // the server transaction MUST transition to the "Confirmed" state. As Timer G is ignored in
      // this state, any retransmissions of the response will cease." Timer I: T4 (UDP), zero (TCP).
      this.#state = 'confirmed';
      this.#cancelRetransmit();
      this.#cancelTimeout();
      if (this.env.reliable) this.#terminate();
      else this.#cancelTimeout = this.env.scheduler.schedule(this.env.timers.TIMER_I, () => this.#terminate());
      return true;
    }
    // Confirmed: ACK retransmissions are absorbed. Accepted/Proceeding: not ours (2xx ACKs are
    // end-to-end and matched by the dialog layer).
    return this.#state === 'confirmed';
  }

  /**
   * §17.2.4: a response could not be sent (no connection could be opened). The transaction ends
   * and the TU hears of it through `onTransportError`.
   */
  transportError(): void {
    if (this.#state === 'terminated') return;
    this.#terminate();
    this.onTransportError?.();
  }

  /** Shutdown: terminate without further sends. */
  dispose(): void {
    this.#terminate();
  }

  #scheduleRetransmit(): void {
    this.#cancelRetransmit = this.env.scheduler.schedule(this.#interval, () => {
      // §17.2.1: "If timer G fires, the response is passed to the transport layer once more for
      // retransmission, and timer G is set to fire in MIN(2*T1, T2) seconds."
      if (this.#state !== 'completed' || this.#lastResponse === null) return;
      this.env.send(this.#lastResponse);
      this.#interval = backoff(this.#interval, this.env.timers.T2);
      this.#scheduleRetransmit();
    });
  }

  #sendTrying(): void {
    const build = this.#buildTrying;
    this.#buildTrying = null;
    if (build !== null && this.#state === 'proceeding' && this.#lastResponse === null) this.respond(100, build());
  }

  #finished(): void {
    const callback = this.onFinished;
    this.onFinished = null;
    callback?.();
  }

  #terminate(): void {
    if (this.#state === 'terminated') return;
    this.#finished();
    this.#state = 'terminated';
    this.#cancelRetransmit();
    this.#cancelTimeout();
    this.#cancelTrying();
    this.env.onTerminated();
  }
}
