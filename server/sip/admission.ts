/**
 * What a new request goes through before its method handler, in the order of
 * RFC 3261 §8.2 and §22: the pre-dispatch checks (483, 405/501, 416, 420),
 * the call limit for new INVITEs (503 with Retry-After), then digest
 * authentication (401/407 challenge, 403). Every refusal is answered here and
 * recorded in the reject log.
 */
import type { Authenticator } from './auth/authenticator.js';
import type { InboundRequest } from './inbound-request.js';
import type { RejectLog, RejectReason } from './reject-log.js';
import { refusalFor } from './request-checks.js';
import { warningField } from './response-builder.js';

export interface AdmissionDeps {
  readonly auth: Authenticator;
  readonly rejects: RejectLog;
  /** Most calls at once (0: no limit). */
  readonly maxCalls: number;
  /** Calls now: dialogs plus INVITEs being answered. */
  activeCalls(): number;
  readonly shuttingDown: boolean;
  warningHost(inbound: InboundRequest): string;
}

/** Seconds a caller refused for overload should wait. */
export const RETRY_AFTER_S = 5;

const REFUSAL_REASONS: ReadonlyMap<number, RejectReason> = new Map([
  [483, 'loop'],
  [416, 'bad-uri'],
  [420, 'bad-extension'],
]);

function source(inbound: InboundRequest): string {
  return `${inbound.flow.transport}:${inbound.flow.remoteAddress}:${inbound.flow.remotePort}`;
}

/** True when the request may go on to its handler; otherwise it has been answered. */
export function admit(inbound: InboundRequest, deps: AdmissionDeps): boolean {
  const { request } = inbound;
  const details = { method: request.method, callId: request.callId, source: source(inbound) };
  const newInvite = request.method === 'INVITE' && request.to.tag === null;

  if (newInvite && (deps.shuttingDown || (deps.maxCalls > 0 && deps.activeCalls() > deps.maxCalls))) {
    inbound.respond(503, { headers: [{ name: 'retry-after', value: String(RETRY_AFTER_S) }, warningField(deps.warningHost(inbound), 'too many calls')] });
    deps.rejects.record('overload', { ...details, status: 503 });
    return false;
  }

  const refusal = refusalFor(request);
  if (refusal !== null) {
    inbound.respond(refusal.status, { headers: refusal.headers ?? [] });
    const reason = REFUSAL_REASONS.get(refusal.status);
    if (reason !== undefined) deps.rejects.record(reason, { ...details, status: refusal.status });
    return false;
  }

  const verdict = deps.auth.check(request);
  switch (verdict.kind) {
    case 'open':
    case 'ok':
      return true;
    case 'challenge':
      inbound.respond(verdict.status, { headers: verdict.headers });
      deps.rejects.record(verdict.why === 'replay' ? 'auth-replay' : 'challenged', { ...details, status: verdict.status, detail: verdict.why });
      return false;
    case 'forbidden':
      inbound.respond(403, { headers: [warningField(deps.warningHost(inbound), verdict.why)] });
      deps.rejects.record('auth-failed', { ...details, status: 403, detail: verdict.why });
      return false;
  }
}
