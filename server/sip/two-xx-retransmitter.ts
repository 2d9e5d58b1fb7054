/**
 * The UAS core's 2xx retransmission (RFC 3261 §13.3.1.4): "The 2xx response
 * is passed to the transport with an interval that starts at T1 seconds and
 * doubles for each retransmission until it reaches T2 seconds. Response
 * retransmissions cease when an ACK request for the response is received."
 * "If the server retransmits the 2xx response for 64*T1 seconds without
 * receiving an ACK, the dialog is confirmed, but the session SHOULD be
 * terminated." On reliable transports nothing is re-sent, but the 64*T1
 * wait for the ACK still applies.
 */
import { NO_TIMER, type CancelTimer, type Scheduler } from './transactions/scheduler.js';
import { backoff, type SipTimers } from './transactions/timers.js';

export class TwoXxRetransmitter {
  #interval: number;
  #cancelRetransmit: CancelTimer = NO_TIMER;
  #cancelGiveUp: CancelTimer = NO_TIMER;
  #stopped = false;

  constructor(
    private readonly resend: () => void,
    private readonly scheduler: Scheduler,
    private readonly timers: SipTimers,
    private readonly reliable: boolean,
    private readonly onGiveUp: () => void,
  ) {
    this.#interval = timers.T1;
  }

  start(): void {
    if (!this.reliable) this.#schedule();
    this.#cancelGiveUp = this.scheduler.schedule(64 * this.timers.T1, () => {
      if (this.#stopped) return;
      this.stop();
      this.onGiveUp();
    });
  }

  /** The ACK arrived, or the dialog ended: stop for good. */
  stop(): void {
    this.#stopped = true;
    this.#cancelRetransmit();
    this.#cancelGiveUp();
  }

  #schedule(): void {
    this.#cancelRetransmit = this.scheduler.schedule(this.#interval, () => {
      if (this.#stopped) return;
      this.resend();
      this.#interval = backoff(this.#interval, this.timers.T2);
      this.#schedule();
    });
  }
}
