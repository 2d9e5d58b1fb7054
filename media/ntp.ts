/** NTP timestamps (RFC 3550 §4) from wall-clock milliseconds, for RTCP sender reports. */

/** Seconds from 1900-01-01 (NTP epoch) to 1970-01-01 (Unix epoch). */
const NTP_UNIX_OFFSET_S = 2_208_988_800;
const TWO_32 = 0x1_0000_0000;

export interface NtpTime {
  /** Whole seconds since 1900, uint32 (wraps in 2036 as NTP does). */
  readonly seconds: number;
  /** Fraction of a second in units of 2^-32. */
  readonly fraction: number;
}

export function ntpFromUnixMs(ms: number): NtpTime {
  const wholeSeconds = Math.floor(ms / 1000);
  const fraction = Math.floor(((ms - wholeSeconds * 1000) / 1000) * TWO_32);
  return { seconds: (wholeSeconds + NTP_UNIX_OFFSET_S) >>> 0, fraction: Math.min(fraction, TWO_32 - 1) >>> 0 };
}

/** The middle 32 bits of a 64-bit NTP timestamp (units of 2^-16 s), as LSR and RTT use. */
export function ntpMiddle32(time: NtpTime): number {
  return (((time.seconds & 0xffff) << 16) | (time.fraction >>> 16)) >>> 0;
}

/** Milliseconds as units of 1/65536 s (DLSR). */
export function msToNtpShort(ms: number): number {
  return Math.round((ms * 65536) / 1000) >>> 0;
}

export function ntpShortToMs(units: number): number {
  return (units * 1000) / 65536;
}
