/** What every transaction gets from the layer that owns it. */
import type { Scheduler } from './scheduler.js';
import type { SipTimers } from './timers.js';

export interface TransactionEnv {
  readonly scheduler: Scheduler;
  readonly timers: SipTimers;
  /** Reliable transport (TCP): no retransmissions and zero absorb waits (Timers I, J, K). */
  readonly reliable: boolean;
  /** Hands bytes to the transport: for a server transaction, to where responses go (RFC 3261 §18.2.2). */
  readonly send: (data: Buffer) => void;
  /** Called once, when the transaction reaches Terminated (the owner drops it from its table). */
  readonly onTerminated: () => void;
}
