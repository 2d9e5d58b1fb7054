/**
 * A frame marker the load generator writes into the first bytes of each
 * G.711 payload so that a frame echoed back by the server can be matched to
 * the tick it was sent on: which frames came back, which did not, and how
 * long each took. G.711 decode → encode maps every byte with the top bit set
 * to itself (µ-law turns 0x7F into 0xFF, so low bytes are avoided), so the
 * marker survives the echo app's full decode → jitter buffer → encode path.
 *
 * The echo path may shift frame boundaries (the adaptive jitter buffer
 * time-stretches audio by whole pitch periods), so the receiver scans each
 * payload, with the previous payload's last bytes, for markers at any offset
 * (`MarkerScanner`). A marker a time-stretch splice cut through is lost.
 *
 * Layout (6 bytes): two magic bytes, the tick as three 7-bit digits, and a
 * 7-bit check of the digits; every byte has the top bit set. A concealed
 * (PLC) frame or tone content matches by chance with odds of about 2^-21.
 */
export const MARKER_BYTES = 6;
/** Ticks a marker can name: 2^21 × 20 ms ≈ 11.6 hours. */
export const MARKER_TICKS = 1 << 21;
const MAGIC_A = 0xa5;
const MAGIC_B = 0xda;
const CHECK_SALT = 0x2b;

/** Writes `tick` (taken modulo MARKER_TICKS) into payload[0..6). The payload must hold MARKER_BYTES. */
export function writeMarker(payload: Uint8Array, offset: number, tick: number): void {
  const value = tick & (MARKER_TICKS - 1);
  const d2 = (value >>> 14) & 0x7f;
  const d1 = (value >>> 7) & 0x7f;
  const d0 = value & 0x7f;
  payload[offset] = MAGIC_A;
  payload[offset + 1] = MAGIC_B;
  payload[offset + 2] = 0x80 | d2;
  payload[offset + 3] = 0x80 | d1;
  payload[offset + 4] = 0x80 | d0;
  payload[offset + 5] = 0x80 | ((d2 ^ d1 ^ d0 ^ CHECK_SALT) & 0x7f);
}

/** The tick a marked payload names, or -1 when the bytes at `offset` are not a marker. */
export function readMarker(payload: Uint8Array, offset: number): number {
  if (payload.length < offset + MARKER_BYTES) return -1;
  if (payload[offset] !== MAGIC_A || payload[offset + 1] !== MAGIC_B) return -1;
  return decodeDigits(payload[offset + 2] ?? 0, payload[offset + 3] ?? 0, payload[offset + 4] ?? 0, payload[offset + 5] ?? 0);
}

function decodeDigits(b2: number, b1: number, b0: number, check: number): number {
  if ((b2 & b1 & b0 & check & 0x80) === 0) return -1;
  const d2 = b2 & 0x7f;
  const d1 = b1 & 0x7f;
  const d0 = b0 & 0x7f;
  if ((check & 0x7f) !== ((d2 ^ d1 ^ d0 ^ CHECK_SALT) & 0x7f)) return -1;
  return (d2 << 14) | (d1 << 7) | d0;
}

const CARRY = MARKER_BYTES - 1;

/**
 * Finds markers anywhere in a stream of payloads, including one split across
 * two packets: the last MARKER_BYTES − 1 bytes of each payload are carried
 * into the next scan. One scanner per stream; no allocation per packet.
 */
export class MarkerScanner {
  readonly #carry = new Uint8Array(CARRY);
  #carried = 0;

  /** Calls `found(tick)` for each marker in payload[offset..]; returns how many. */
  scan(payload: Uint8Array, offset: number, found: (tick: number) => void): number {
    const carried = this.#carried;
    const total = carried + payload.length - offset;
    const at = (i: number): number => (i < carried ? (this.#carry[i] ?? 0) : (payload[offset + i - carried] ?? 0));
    let count = 0;
    for (let i = 0; i + MARKER_BYTES <= total; i++) {
      if (at(i) !== MAGIC_A || at(i + 1) !== MAGIC_B) continue;
      const tick = decodeDigits(at(i + 2), at(i + 3), at(i + 4), at(i + 5));
      if (tick < 0) continue;
      found(tick);
      count++;
      i += MARKER_BYTES - 1;
    }
    // Keep the tail for the next packet (unless it was part of a marker just read: harmless, it cannot match twice).
    const keep = Math.min(CARRY, total);
    for (let k = 0; k < keep; k++) this.#carry[k] = at(total - keep + k);
    this.#carried = keep;
    return count;
  }

  /** Forget the carried bytes (a gap in the stream: they cannot join the next packet). */
  reset(): void {
    this.#carried = 0;
  }
}
