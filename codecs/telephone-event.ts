/**
 * RFC 4733 telephone-event: the descriptor and the 4-byte event payload.
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |     event     |E|R| volume    |          duration             |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
import type { CodecDescriptor } from './codec.js';

export const TELEPHONE_EVENT_PAYLOAD_BYTES = 4;

/** Events 0-15 are the DTMF keys (RFC 4733 §3.2), 16 is hook flash. */
export const telephoneEvent: CodecDescriptor = Object.freeze({
  name: 'telephone-event',
  kind: 'event',
  defaultPayloadType: 101,
  clockRate: 8000,
  sampleRate: 8000,
  channels: 1,
  ptimes: Object.freeze([20, 10, 30, 40, 60]),
  defaultFmtp: Object.freeze({ '0-16': '' }),
} satisfies CodecDescriptor);

export interface DtmfEventPayload {
  /** Event code: 0-9, 10 '*', 11 '#', 12-15 'A'-'D', 16 flash. */
  event: number;
  /** E bit: the last packets of the event. */
  end: boolean;
  /** Power level in -dBm0, 0..63. */
  volume: number;
  /** Duration so far in RTP timestamp units. */
  duration: number;
}

const END_BIT = 0x80;
const VOLUME_MASK = 0x3f;
const DTMF_DIGITS = '0123456789*#ABCD';

/** Reads an event payload; null when it is shorter than 4 bytes. Extra bytes are ignored. */
export function parseTelephoneEvent(payload: Uint8Array): DtmfEventPayload | null {
  if (payload.length < TELEPHONE_EVENT_PAYLOAD_BYTES) return null;
  const flags = payload[1] as number;
  return {
    event: payload[0] as number,
    end: (flags & END_BIT) !== 0,
    volume: flags & VOLUME_MASK,
    duration: ((payload[2] as number) << 8) | (payload[3] as number),
  };
}

/**
 * Writes `event` into the first 4 bytes of `out` (R bit zero, fields masked
 * to their widths) and returns 4, or 0 when `out` is too short.
 */
export function writeTelephoneEvent(event: DtmfEventPayload, out: Uint8Array): number {
  if (out.length < TELEPHONE_EVENT_PAYLOAD_BYTES) return 0;
  const duration = event.duration > 0xffff ? 0xffff : event.duration < 0 ? 0 : event.duration;
  out[0] = event.event & 0xff;
  out[1] = (event.end ? END_BIT : 0) | (event.volume & VOLUME_MASK);
  out[2] = (duration >> 8) & 0xff;
  out[3] = duration & 0xff;
  return TELEPHONE_EVENT_PAYLOAD_BYTES;
}

/** The DTMF key of an event code, or null for anything but 0..15. */
export function dtmfDigit(event: number): string | null {
  if (!Number.isInteger(event) || event < 0 || event >= DTMF_DIGITS.length) return null;
  return DTMF_DIGITS.charAt(event);
}
