/**
 * RFC 3261 timer values (§17, Table 4), derived from T1 (config sip.t1Ms),
 * plus Timer L of RFC 6026. Waits that only absorb retransmissions
 * (I, J, K) are zero on reliable transports: see `waitFor`.
 */

/** Maximum retransmit interval for non-INVITE requests and INVITE responses. */
export const T2 = 4000;
/** Maximum duration a message will remain in the network. */
export const T4 = 5000;

export interface SipTimers {
  readonly T1: number;
  readonly T2: number;
  readonly T4: number;
  /** Non-INVITE request retransmit interval, UDP only (starts at T1). */
  readonly TIMER_E: number;
  /** Non-INVITE transaction timeout. */
  readonly TIMER_F: number;
  /** INVITE response retransmit interval (starts at T1). */
  readonly TIMER_G: number;
  /** Wait time for ACK receipt. */
  readonly TIMER_H: number;
  /** Wait time for ACK retransmits (UDP). */
  readonly TIMER_I: number;
  /** Wait time for non-INVITE request retransmits (UDP). */
  readonly TIMER_J: number;
  /** Wait time for response retransmits (UDP). */
  readonly TIMER_K: number;
  /** RFC 6026: wait time for accepted INVITE request retransmits. */
  readonly TIMER_L: number;
}

export function sipTimers(t1Ms: number): SipTimers {
  const T1 = t1Ms;
  return {
    T1,
    T2,
    T4,
    TIMER_E: T1,
    TIMER_F: 64 * T1,
    TIMER_G: T1,
    TIMER_H: 64 * T1,
    TIMER_I: T4,
    TIMER_J: 64 * T1,
    TIMER_K: T4,
    TIMER_L: 64 * T1,
  };
}

/** The next retransmit interval: doubled, capped at T2 (Timers E, G and 2xx retransmission). */
export function backoff(intervalMs: number): number {
  return Math.min(intervalMs * 2, T2);
}
