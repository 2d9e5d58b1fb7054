/**
 * RFC 4733 §2.5.1 sender: turns one key press into the packet sequence a
 * receiver expects. Every ptime it yields the next packet:
 *
 *  - the first packet of an event carries the RTP marker bit; every packet of
 *    it carries the event's start as its RTP timestamp;
 *  - updates follow every ptime with the duration so far (§2.5.1.2);
 *  - the packet whose duration reaches the full length has the E bit and is
 *    sent three times, one per ptime, with the same duration (§2.5.1.4);
 *  - an event longer than 0xFFFF timestamp units is cut into segments
 *    (§2.5.1.3): a segment ends at duration 0xFFFF without the E bit, that
 *    packet too is sent three times (§2.5.1.4: "for each event and for each
 *    segment"), and the next segment starts at timestamp + 0xFFFF, without
 *    the marker bit, with the time that passed meanwhile as its duration.
 *
 * Where the test fixtures come from: docs/codecs.md (telephone-event).
 *
 * A pure processor: the caller (the media path) asks for `next()` once per
 * ptime and puts the payload in an RTP packet of the negotiated payload type.
 */
import { TELEPHONE_EVENT_PAYLOAD_BYTES, writeTelephoneEvent } from './telephone-event.js';

const MAX_DURATION = 0xffff;
const END_REPEATS = 3;
const DTMF_KEYS = '0123456789*#ABCD';
/** Event code of hook flash (RFC 4733 §3.2). */
const FLASH = 16;

export interface TelephoneEventSenderOptions {
  /** RTP clock rate of the telephone-event format (the audio codec's clock). */
  readonly clockRate: number;
  /** Packet interval in ms (the leg's ptime). */
  readonly ptime: number;
  /** Power level in -dBm0 (0..63); 10 is what most phones send. */
  readonly volume?: number;
}

export interface TelephoneEventPacket {
  /** The 4-byte payload, written into the caller's buffer. */
  readonly payload: Uint8Array;
  readonly marker: boolean;
  /** RTP timestamp: the start of the event (of the segment, for long events). */
  readonly timestamp: number;
  /** True for the three final packets. */
  readonly end: boolean;
}

/** Event code of a DTMF key ('0'-'9', '*', '#', 'A'-'D') or 'flash'; null for anything else. */
export function dtmfEventCode(key: string): number | null {
  if (key === 'flash') return FLASH;
  const code = key.length === 1 ? DTMF_KEYS.indexOf(key.toUpperCase()) : -1;
  return code < 0 ? null : code;
}

export class TelephoneEventSender {
  readonly #clockRate: number;
  readonly #step: number;
  readonly #volume: number;
  readonly #payload = new Uint8Array(TELEPHONE_EVENT_PAYLOAD_BYTES);
  #event = 0;
  /** Timestamp of the current segment and its duration so far. */
  #timestamp = 0;
  #duration = 0;
  /** Units of the press not yet elapsed. */
  #remaining = 0;
  /** Units elapsed but not yet in a segment's duration (while a full segment's end repeats). */
  #pending = 0;
  #first = false;
  #endsSent = END_REPEATS;
  /** Times the current full segment's last packet went out. */
  #segmentEndsSent = 0;

  constructor(options: TelephoneEventSenderOptions) {
    this.#clockRate = options.clockRate;
    this.#step = Math.round((options.clockRate * options.ptime) / 1000);
    this.#volume = Math.max(0, Math.min(63, options.volume ?? 10));
  }

  /** True while packets remain to be sent (the event, then its three end packets). */
  get active(): boolean {
    return this.#endsSent < END_REPEATS;
  }

  /**
   * Starts an event at RTP timestamp `timestamp` lasting `durationMs` (at least
   * one ptime). A press in progress is replaced. Returns false for an unknown key.
   */
  start(key: string, timestamp: number, durationMs: number): boolean {
    const code = dtmfEventCode(key);
    if (code === null) return false;
    this.#event = code;
    this.#timestamp = timestamp >>> 0;
    this.#duration = 0;
    this.#remaining = Math.max(this.#step, Math.round((durationMs * this.#clockRate) / 1000));
    this.#pending = 0;
    this.#first = true;
    this.#endsSent = 0;
    this.#segmentEndsSent = 0;
    return true;
  }

  /** The packet for this ptime, or null when idle. The payload view is reused: send it before calling again. */
  next(): TelephoneEventPacket | null {
    if (!this.active) return null;
    const marker = this.#first;
    this.#first = false;
    // One more ptime of the press has elapsed.
    const elapsed = Math.min(this.#step, this.#remaining);
    this.#remaining -= elapsed;
    this.#pending += elapsed;
    if (this.#duration === MAX_DURATION && this.#segmentEndsSent >= END_REPEATS && this.#pending > 0) {
      // The full segment's last packet went out three times: the next segment starts
      // where it ended (no marker: same event).
      this.#timestamp = (this.#timestamp + MAX_DURATION) >>> 0;
      this.#duration = 0;
      this.#segmentEndsSent = 0;
    }
    const take = Math.min(this.#pending, MAX_DURATION - this.#duration);
    this.#duration += take;
    this.#pending -= take;
    const end = this.#remaining === 0 && this.#pending === 0;
    if (end) this.#endsSent++;
    else if (this.#duration === MAX_DURATION) this.#segmentEndsSent++;
    writeTelephoneEvent({ event: this.#event, end, volume: this.#volume, duration: this.#duration }, this.#payload);
    return { payload: this.#payload, marker, timestamp: this.#timestamp, end };
  }
}
