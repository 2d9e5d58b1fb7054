/**
 * RFC 4028 session timers, the negotiation half: what a request or response
 * says (Session-Expires with its refresher, Min-SE, "timer" support), what
 * we answer as the UAS of an INVITE/UPDATE (422, or the Session-Expires for
 * our 2xx), and what we adopt from a 2xx to a request we sent. Pure functions;
 * the timer itself is in `session-refresh.ts`.
 */
import { parseDigits } from './headers/chars.js';
import { getParam, parseHeaderParams } from './headers/params.js';
import { headerValue, optionTags, type HeaderField, type SipMessage } from './message.js';

export type Refresher = 'uac' | 'uas';

export interface SessionTimerPolicy {
  /** Interval we ask for when the peer does not (0: none unless the peer asks). */
  readonly sessionExpires: number;
  /** Our Min-SE: shorter intervals are refused with 422. */
  readonly minSE: number;
}

/** A session timer in force on a dialog, from our point of view. */
export interface ActiveSessionTimer {
  /** Session interval in seconds. */
  readonly interval: number;
  /** True when we send the refreshes; false when we watch for theirs. */
  readonly weRefresh: boolean;
}

interface SessionExpires {
  readonly interval: number;
  readonly refresher: Refresher | null;
}

/** `Session-Expires: 1800;refresher=uac` (compact form `x`); null when absent or malformed. */
export function readSessionExpires(headers: readonly HeaderField[]): SessionExpires | null {
  const value = headerValue(headers, 'session-expires');
  if (value === undefined) return null;
  const semicolon = value.indexOf(';');
  const interval = parseDigits((semicolon < 0 ? value : value.slice(0, semicolon)).trim(), 10);
  if (interval === null || interval <= 0) return null;
  const params = semicolon < 0 ? [] : parseHeaderParams(value, semicolon);
  const refresher = params === null ? undefined : getParam(params, 'refresher')?.toLowerCase();
  return { interval, refresher: refresher === 'uac' || refresher === 'uas' ? refresher : null };
}

/** Min-SE as a number of seconds, or 0 when absent or malformed. */
export function readMinSE(headers: readonly HeaderField[]): number {
  const value = headerValue(headers, 'min-se');
  if (value === undefined) return 0;
  const semicolon = value.indexOf(';');
  return parseDigits((semicolon < 0 ? value : value.slice(0, semicolon)).trim(), 10) ?? 0;
}

export function supportsTimer(message: SipMessage): boolean {
  return optionTags(message.headers, 'supported').includes('timer') || optionTags(message.headers, 'require').includes('timer');
}

export type UasDecision =
  /** 422 Session Interval Too Small, with our Min-SE. */
  | { readonly kind: 'too-small'; readonly minSE: number }
  | { readonly kind: 'none' }
  | { readonly kind: 'use'; readonly interval: number; readonly refresher: Refresher; readonly requireTimer: boolean };

/**
 * RFC 4028 §8 and §9, as the UAS of an INVITE or UPDATE: refuse an interval
 * below our Min-SE; otherwise keep the caller's interval (or offer ours when
 * it asked for none) and pick the refresher: the one it named, else the UAC
 * when it supports timers (so the side that asked does the work), else us.
 */
export function decideAsUas(request: SipMessage, policy: SessionTimerPolicy): UasDecision {
  const asked = readSessionExpires(request.headers);
  const uacSupports = supportsTimer(request);
  if (asked !== null && asked.interval < policy.minSE) return { kind: 'too-small', minSE: policy.minSE };
  let interval: number;
  if (asked !== null) interval = asked.interval;
  else if (policy.sessionExpires > 0) interval = Math.max(policy.sessionExpires, policy.minSE, readMinSE(request.headers));
  else return { kind: 'none' };
  // §9: "If the UAC did not indicate support for the extension, the refresher MUST be the UAS."
  const refresher: Refresher = !uacSupports ? 'uas' : (asked?.refresher ?? 'uac');
  return { kind: 'use', interval, refresher, requireTimer: uacSupports };
}

/** Header fields of our 2xx for a `use` decision. */
export function uasResponseFields(decision: UasDecision): HeaderField[] {
  if (decision.kind !== 'use') return [];
  const fields: HeaderField[] = [{ name: 'session-expires', value: `${decision.interval};refresher=${decision.refresher}` }];
  if (decision.requireTimer) fields.push({ name: 'require', value: 'timer' });
  return fields;
}

/** The timer as we see it after answering as UAS. */
export function activeAfterUas(decision: UasDecision): ActiveSessionTimer | null {
  return decision.kind === 'use' ? { interval: decision.interval, weRefresh: decision.refresher === 'uas' } : null;
}

/**
 * RFC 4028 §7.2, as the UAC that sent an INVITE/UPDATE and got a 2xx: the
 * response's Session-Expires rules; without one, `fallback` stays (our own
 * refresh of a peer that ignores the extension keeps our interval).
 */
export function activeAfterUac(response: SipMessage, fallback: ActiveSessionTimer | null): ActiveSessionTimer | null {
  const granted = readSessionExpires(response.headers);
  if (granted === null) return fallback;
  return { interval: granted.interval, weRefresh: granted.refresher !== 'uas' };
}

/** Header fields for a request we send (initial INVITE or refresh) asking for `interval` with us refreshing. */
export function uacRequestFields(interval: number, minSE: number): HeaderField[] {
  return [
    { name: 'session-expires', value: `${interval};refresher=uac` },
    { name: 'min-se', value: String(minSE) },
  ];
}

/** RFC 4028 §10: the refresher refreshes at half the interval; the other side gives up a little before it ends. */
export function refreshDelayMs(timer: ActiveSessionTimer): number {
  return timer.weRefresh ? (timer.interval * 1000) / 2 : (timer.interval - Math.min(32, timer.interval / 3)) * 1000;
}
