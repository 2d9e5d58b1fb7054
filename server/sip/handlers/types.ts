/** What the per-method handlers see of the SIP core. */
import type { SipDialog } from '../dialog.js';
import type { InboundRequest } from '../inbound-request.js';
import type { SipIncomingCall } from '../incoming-call.js';
import type { SipRequest } from '../message.js';
import type { InviteServerTransaction } from '../transactions/invite-server-transaction.js';

/** An INVITE server transaction without a final response yet, with the app's call object once there is one. */
export interface PendingInvite {
  readonly inbound: InboundRequest;
  readonly tx: InviteServerTransaction;
  /** Null for re-INVITEs, and for a new INVITE until its local address is resolved. */
  call: SipIncomingCall | null;
}

export interface HandlerCore {
  /** The dialog an in-dialog request belongs to (Call-ID + To tag + From tag). */
  findDialog(request: SipRequest): SipDialog | undefined;
  /** The INVITE a CANCEL refers to (RFC 3261 §9.2: same transaction key, method INVITE). */
  findPendingInvite(cancel: SipRequest): PendingInvite | undefined;
  /** Whether the INVITE a CANCEL refers to still has a transaction (answered, but not yet forgotten). */
  inviteTransactionExists(cancel: SipRequest): boolean;
  /** The unanswered call whose early dialog a PRACK belongs to (RFC 3262). */
  findEarlyCall(request: SipRequest): SipIncomingCall | undefined;
  /** Creates the IncomingCall for a new INVITE and hands it to the app. */
  startCall(inbound: InboundRequest): void;
  /** Runs a REGISTER through the registrar (authentication already passed). */
  register(inbound: InboundRequest): void;
  /** Host for our Warning headers. */
  warningHost(inbound: InboundRequest): string;
}

export type MethodHandler = (inbound: InboundRequest, core: HandlerCore) => void;
