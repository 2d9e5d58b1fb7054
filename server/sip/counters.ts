/** The stack's counters: the contract's `SignalingCounters` plus a few more for diagnostics. */
import type { SignalingCounters } from '../signaling/backend.js';

export interface SipCounters extends SignalingCounters {
  requestsIn: number;
  responsesOut: number;
  rejectedMalformed: number;
  droppedMalformed: number;
  retransmissionsAbsorbed: number;
  /** Responses received (to our BYEs). */
  responsesIn: number;
  /** Responses that matched no client transaction. */
  strayResponses: number;
  /** Requests we originated (BYE), retransmissions included. */
  requestsOut: number;
  /** Socket errors (each logged once per kind). */
  transportErrors: number;
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
  };
}
