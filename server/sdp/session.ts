/**
 * Per-call SDP origin state (RFC 3264 §8): the o= line keeps its session id
 * for the whole call and its version goes up by one whenever the SDP we send
 * changes; an unchanged SDP keeps its version.
 */
import { randomInt } from 'node:crypto';

export interface SdpSession {
  readonly sessionId: string;
  /** Current o= version; bumped by `stampSdp` when the body changes. */
  version: number;
  /** Address in our o= line. */
  readonly address: string;
  /** The body (everything after o=) we sent last, to detect changes; null before the first. */
  lastBody: string | null;
}

const USERNAME = 'voxbridge';

/** A new origin for one call. `sessionId` is random unless given (tests, golden files). */
export function createSession(address: string, sessionId?: string): SdpSession {
  const id = sessionId ?? String(randomInt(1, 2 ** 47));
  return { sessionId: id, version: 1, address, lastBody: null };
}

export function ipVersionOf(address: string): 'IP4' | 'IP6' {
  return address.includes(':') ? 'IP6' : 'IP4';
}

/** Prefixes `body` with v= and o=, bumping the session version if the body changed since last time. */
export function stampSdp(session: SdpSession, body: string): string {
  if (session.lastBody !== null && session.lastBody !== body) session.version += 1;
  session.lastBody = body;
  const origin = `o=${USERNAME} ${session.sessionId} ${session.version} IN ${ipVersionOf(session.address)} ${session.address}`;
  return `v=0\r\n${origin}\r\n${body}`;
}
