/**
 * Turns a stream of RFC 4733 event packets into one report per key press.
 *
 * Every packet of one event carries the same RTP timestamp (the event's
 * start); the sender repeats updates with a growing duration and sends the
 * final packet (E bit) three times (RFC 4733 §2.5.1.4). We report an event
 * once, on its first end packet. When all end packets are lost, the event is
 * reported when a packet with a newer timestamp arrives, or on `flush()`.
 *
 * Not handled: events longer than 0xFFFF timestamp units (8.2 s at 8 kHz),
 * which RFC 4733 §2.5.2.1 splits into segments with new timestamps; each
 * segment would be reported as a separate press.
 */
import { dtmfDigit, TELEPHONE_EVENT_PAYLOAD_BYTES } from './telephone-event.js';

export interface DtmfReport {
  readonly digit: string;
  /** Duration in RTP timestamp units (samples at the event's clock rate). */
  readonly durationSamples: number;
}

export class TelephoneEventReceiver {
  /** Packets shorter than 4 bytes, counted and dropped. */
  malformed = 0;
  private active = false;
  private timestamp = 0;
  private event = 0;
  private duration = 0;
  private reported = false;

  /**
   * Feeds one packet's RTP timestamp and payload; returns the report when an
   * event completes, else null. Never throws.
   */
  push(rtpTimestamp: number, payload: Uint8Array): DtmfReport | null {
    if (payload.length < TELEPHONE_EVENT_PAYLOAD_BYTES) {
      this.malformed++;
      return null;
    }
    const ts = rtpTimestamp >>> 0;
    const event = payload[0] as number;
    const end = ((payload[1] as number) & 0x80) !== 0;
    const duration = ((payload[2] as number) << 8) | (payload[3] as number);

    if (!this.active || ts !== this.timestamp) {
      // A packet of an older event arriving late (reordered) is ignored.
      if (this.active && ((ts - this.timestamp) | 0) < 0) return null;
      const unfinished = this.pending();
      this.active = true;
      this.timestamp = ts;
      this.event = event;
      this.duration = duration;
      this.reported = false;
      if (unfinished) return unfinished;
      // The new event's own end (if this packet has it) is reported by its redundant copies.
      return end ? this.finish() : null;
    }
    if (this.reported) return null;
    if (duration > this.duration) this.duration = duration;
    return end ? this.finish() : null;
  }

  /** Reports the current event if it never saw an end packet (call on RTP timeout or hangup). */
  flush(): DtmfReport | null {
    const unfinished = this.pending();
    this.reported = true;
    return unfinished;
  }

  private pending(): DtmfReport | null {
    if (!this.active || this.reported) return null;
    return this.report();
  }

  private finish(): DtmfReport | null {
    this.reported = true;
    return this.report();
  }

  private report(): DtmfReport | null {
    const digit = dtmfDigit(this.event);
    return digit === null ? null : { digit, durationSamples: this.duration };
  }
}
