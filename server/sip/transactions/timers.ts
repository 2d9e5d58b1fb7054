/**
 * RFC 3261 timer values (§17, Table 4), derived from T1, T2 and T4 (config
 * sip.t1Ms, sip.t2Ms, sip.t4Ms), plus Timers L and M of RFC 6026. Waits that
 * only absorb retransmissions (D, I, J, K) are zero on reliable transports:
 * the transactions apply that rule themselves.
 */

/** Default maximum retransmit interval for non-INVITE requests and INVITE responses. */
export const T2 = 4000;
/** Default maximum duration a message will remain in the network. */
export const T4 = 5000;

export interface SipTimers {
  readonly T1: number;
  readonly T2: number;
  readonly T4: number;
  /** INVITE request retransmit interval, UDP only (starts at T1, doubles without cap). */
  readonly TIMER_A: number;
  /** INVITE transaction timeout. */
  readonly TIMER_B: number;
  /** Wait time for response retransmits after a non-2xx to our INVITE (UDP: at least 32 s). */
  readonly TIMER_D: number;
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
  /** RFC 6026: wait time for retransmissions of 2xx responses to our INVITE. */
  readonly TIMER_M: number;
}

export function sipTimers(t1Ms: number, t2Ms = T2, t4Ms = T4): SipTimers {
  const T1 = t1Ms;
  return {
    T1,
    T2: t2Ms,
    T4: t4Ms,
    TIMER_A: T1,
    TIMER_B: 64 * T1,
    // Table 4: "> 32s for UDP".
    TIMER_D: Math.max(32_000, 64 * T1),
    TIMER_E: T1,
    TIMER_F: 64 * T1,
    TIMER_G: T1,
    TIMER_H: 64 * T1,
    TIMER_I: t4Ms,
    TIMER_J: 64 * T1,
    TIMER_K: t4Ms,
    TIMER_L: 64 * T1,
    TIMER_M: 64 * T1,
  };
}

/** The next retransmit interval: doubled, capped at T2 (Timers E, G and 2xx retransmission). */
export function backoff(intervalMs: number, t2Ms: number): number {
  return Math.min(intervalMs * 2, t2Ms);
}
