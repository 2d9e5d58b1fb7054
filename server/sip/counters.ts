/** The stack's counters: the contract's `SignalingCounters` plus a few more for diagnostics. */
import type { SignalingCounters } from '../signaling/backend.js';
import { REJECT_REASONS, type RejectReason } from './reject-log.js';

export interface SipCounters extends SignalingCounters {
  requestsIn: number;
  responsesOut: number;
  rejectedMalformed: number;
  droppedMalformed: number;
  retransmissionsAbsorbed: number;
  /** Responses received (to our requests). */
  responsesIn: number;
  /** Responses that matched no client transaction. */
  strayResponses: number;
  /** Requests we originated, retransmissions and ACKs included. */
  requestsOut: number;
  /** Socket errors (each logged once per kind). */
  transportErrors: number;
  /** Refusals by reason (see `RejectLog`). */
  rejects: Record<RejectReason, number>;
  /** Dialogs plus new INVITEs not answered yet (what sip.maxCalls limits). */
  activeCalls: number;
}

export function createCounters(): SipCounters {
  return {
    requestsIn: 0,
    responsesOut: 0,
    rejectedMalformed: 0,
    droppedMalformed: 0,
    retransmissionsAbsorbed: 0,
    responsesIn: 0,
    strayResponses: 0,
    requestsOut: 0,
    transportErrors: 0,
    rejects: Object.fromEntries(REJECT_REASONS.map((reason) => [reason, 0])) as Record<RejectReason, number>,
    activeCalls: 0,
  };
}
