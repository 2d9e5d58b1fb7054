/** What dialogs and incoming calls need from the UAS core (implemented by `UasCore`). */
import type { Logger } from '../logger.js';
import type { SipTransportName } from '../signaling/backend.js';
import type { SipCounters } from './counters.js';
import type { SipDialog } from './dialog.js';
import type { NonInviteClientTransaction } from './transactions/non-invite-client-transaction.js';
import type { Scheduler } from './transactions/scheduler.js';
import type { SipTimers } from './transactions/timers.js';
import type { Destination } from './transport.js';

/** A request we built, ready for a client transaction. */
export interface OutgoingRequest {
  readonly bytes: Buffer;
  readonly branch: string;
  readonly method: string;
  readonly destination: Destination;
}

export interface StackContext {
  readonly logger: Logger;
  readonly scheduler: Scheduler;
  readonly timers: SipTimers;
  /** Server / User-Agent header value. */
  readonly userAgent: string;
  readonly counters: SipCounters;
  /** Sends (and counts) a response outside a server transaction: 2xx retransmissions. */
  sendResponse(data: Buffer, destination: Destination): void;
  /** Runs a non-INVITE client transaction for `request`; its `outcome` never rejects. */
  sendRequest(request: OutgoingRequest): NonInviteClientTransaction;
  /** Port of our listener for a transport (for Contact and Via). */
  listenPort(transport: SipTransportName): number;
  removeDialog(dialog: SipDialog): void;
}
