/** What dialogs and calls (incoming and outgoing) need from the SIP core (implemented by `SipCore`). */
import type { Logger } from '../logger.js';
import type { SipTransportName } from '../signaling/backend.js';
import type { SipCounters } from './counters.js';
import type { SipDialog } from './dialog.js';
import type { SipResponse } from './message.js';
import type { SessionTimerPolicy } from './session-timer.js';
import type { OutgoingRequest } from './transaction-layer.js';
import type { InviteClientTransaction, InviteClientUser } from './transactions/invite-client-transaction.js';
import type { NonInviteClientTransaction } from './transactions/non-invite-client-transaction.js';
import type { Scheduler } from './transactions/scheduler.js';
import type { SipTimers } from './transactions/timers.js';
import type { Destination } from './transport.js';

export type { OutgoingRequest } from './transaction-layer.js';

export interface StackContext {
  readonly logger: Logger;
  readonly scheduler: Scheduler;
  readonly timers: SipTimers;
  /** Server / User-Agent header value. */
  readonly userAgent: string;
  readonly counters: SipCounters;
  readonly sessionTimers: SessionTimerPolicy;
  /**
   * Sends (and counts) a response outside a server transaction: 2xx
   * retransmissions. False when it could not even try; `onError` hears of a
   * stream connection that failed later.
   */
  sendResponse(data: Buffer, destination: Destination, onError?: () => void): boolean;
  /** Sends a request outside any transaction (the ACK for a 2xx, RFC 3261 §13.2.2.4). */
  sendStateless(data: Buffer, destination: Destination): boolean;
  /** Runs a non-INVITE client transaction for `request`; its `outcome` never rejects. */
  sendRequest(request: OutgoingRequest): NonInviteClientTransaction;
  /** Runs an INVITE client transaction; `ackFor` builds the ACK for a non-2xx final response. */
  sendInvite(request: OutgoingRequest, user: InviteClientUser, ackFor: (response: SipResponse) => Buffer): InviteClientTransaction;
  /** Port of our listener for a transport (for Contact and Via). */
  listenPort(transport: SipTransportName): number;
  addDialog(dialog: SipDialog): void;
  removeDialog(dialog: SipDialog): void;
}
