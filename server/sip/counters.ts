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
  /** Requests received by method (methods we do not know count as OTHER, so the map stays small). */
  requestsByMethod: Record<string, number>;
  /** Responses sent by status code, retransmissions included. */
  responsesByStatus: Record<string, number>;
}

const KNOWN_METHODS: ReadonlySet<string> = new Set([
  'INVITE', 'ACK', 'BYE', 'CANCEL', 'OPTIONS', 'REGISTER', 'INFO', 'UPDATE', 'PRACK', 'SUBSCRIBE', 'NOTIFY', 'REFER', 'MESSAGE', 'PUBLISH',
]);

export function countRequest(counters: SipCounters, method: string): void {
  const key = KNOWN_METHODS.has(method) ? method : 'OTHER';
  counters.requestsByMethod[key] = (counters.requestsByMethod[key] ?? 0) + 1;
}

/** Counts a serialized response by its status code ("SIP/2.0 NNN …"). */
export function countResponse(counters: SipCounters, data: Buffer): void {
  const code = data.length >= 11 ? data.toString('latin1', 8, 11) : '';
  const key = /^[1-6][0-9][0-9]$/.test(code) ? code : 'other';
  counters.responsesByStatus[key] = (counters.responsesByStatus[key] ?? 0) + 1;
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
    requestsByMethod: {},
    responsesByStatus: {},
  };
}
