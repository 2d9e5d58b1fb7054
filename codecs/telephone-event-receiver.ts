/**
 * Turns a stream of RFC 4733 event packets into one report per key press.
 *
 * Every packet of one event carries the same RTP timestamp (the event's
 * start); the sender repeats updates with a growing duration and sends the
 * final packet (E bit) three times (RFC 4733 §2.5.1.4). We report an event
 * once, on its first end packet. When all end packets are lost, the event is
 * reported when a packet with a newer timestamp arrives, or on `flush()`.
 *
 * Events longer than 0xFFFF timestamp units (8.2 s at 8 kHz) arrive as
 * segments (RFC 4733 §2.5.1.3): a segment that reached duration 0xFFFF
 * without the E bit, followed by the same event at timestamp + 0xFFFF, is
 * one press; its reported duration is the sum of the segments.
 */
import { dtmfDigit, TELEPHONE_EVENT_PAYLOAD_BYTES } from './telephone-event.js';

/** A full segment of a long event (RFC 4733 §2.5.1.3). */
const SEGMENT = 0xffff;

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
  /** Duration of the earlier segments of a long event. */
  private previousSegments = 0;
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
      if (this.continues(ts, event)) {
        this.previousSegments += SEGMENT;
        this.timestamp = ts;
        this.duration = duration;
        return end ? this.finish() : null;
      }
      const unfinished = this.pending();
      this.active = true;
      this.timestamp = ts;
      this.event = event;
      this.duration = duration;
      this.previousSegments = 0;
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

  /** The next segment of the current long event: same code, starting where a full segment ended. */
  private continues(ts: number, event: number): boolean {
    return this.active && !this.reported && event === this.event && this.duration === SEGMENT && ts === ((this.timestamp + SEGMENT) >>> 0);
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
    return digit === null ? null : { digit, durationSamples: this.previousSegments + this.duration };
  }
}
