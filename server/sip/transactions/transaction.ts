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

/**
 * `data` in memory of its own, for a response a transaction keeps for up to
 * 64*T1 to retransmit. Small Buffers are slices of Node's shared 8 KiB pool,
 * and keeping one keeps its whole slab alive: at a thousand calls a second
 * that was most of the heap.
 */
export function retainable(data: Buffer): Buffer {
  if (data.byteOffset === 0 && data.buffer.byteLength === data.length) return data;
  const copy = Buffer.allocUnsafeSlow(data.length);
  data.copy(copy);
  return copy;
}
