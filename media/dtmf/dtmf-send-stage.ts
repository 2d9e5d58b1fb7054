/**
 * The `dtmf-tone` output stage: sends queued digits to the leg, each as RFC
 * 4733 events when the leg negotiated telephone-event (decided per digit, so a
 * re-INVITE is followed), else as in-band tones. While digits are being sent
 * the application's audio is replaced: by the tones and the silent gaps
 * between them (in-band), or by nothing at all (RFC 4733: the events stand for
 * the audio of that time, so the far end does not also hear a tone or speech).
 *
 * RFC 4733 packets go out once per tick (20 ms) through the leg's packetizer:
 * same SSRC and sequence space as the audio, the event's start as timestamp,
 * marker on the first packet, the end packet three times (codecs/
 * telephone-event-sender does the packet sequence).
 */
import { DEFAULT_DTMF_PAUSE_MS, DtmfGenerator } from '../../dsp/index.js';
import { TelephoneEventSender } from '../../codecs/index.js';
import type { CodecChain } from '../codec-chain.js';
import type { FrameContext, OutputStage } from '../leg-stages.js';
import type { LegParams } from '../protocol.js';

/** Volume of our RFC 4733 events, -dBm0 (what most phones send). */
const EVENT_VOLUME = 10;
/** Digits that may wait at most (over all pending sends). */
export const MAX_QUEUED_DIGITS = 64;

/** What the stage needs of a leg (the Leg class has it). */
export interface DtmfSendTarget {
  readonly params: LegParams | null;
  readonly chain: CodecChain | null;
}

interface PendingDigit {
  readonly digit: string;
  readonly durationMs: number;
}

export interface DtmfSendStats {
  eventPackets: number;
  inbandDigits: number;
  eventDigits: number;
  /** Digits dropped because the leg had no codec chain when their turn came. */
  dropped: number;
}

export class DtmfSendStage implements OutputStage {
  readonly stats: DtmfSendStats = { eventPackets: 0, inbandDigits: 0, eventDigits: 0, dropped: 0 };
  readonly #target: DtmfSendTarget;
  readonly #frameMs: number;
  readonly #pauseMs: number;
  readonly #onIdle: () => void;
  readonly #queue: PendingDigit[] = [];
  /** RFC 4733 digit in progress. */
  #sender: TelephoneEventSender | null = null;
  /** In-band digit (tone then pause) in progress. */
  #generator: DtmfGenerator | null = null;
  /** Silent ticks left after an RFC 4733 digit. */
  #gapTicks = 0;
  #buffer = new Int16Array(0);

  constructor(target: DtmfSendTarget, options: { readonly frameMs: number; readonly pauseMs?: number; readonly onIdle: () => void }) {
    this.#target = target;
    this.#frameMs = options.frameMs;
    this.#pauseMs = options.pauseMs ?? DEFAULT_DTMF_PAUSE_MS;
    this.#onIdle = options.onIdle;
  }

  /** Digits still to send, the one in progress included. */
  get pending(): number {
    return this.#queue.length + (this.#busy() ? 1 : 0);
  }

  /** Queues validated digits; returns false (queuing nothing) when the queue would overflow. */
  enqueue(digits: string, durationMs: number): boolean {
    if (this.#queue.length + digits.length > MAX_QUEUED_DIGITS) return false;
    for (const digit of digits) this.#queue.push({ digit, durationMs });
    return true;
  }

  process(frame: Int16Array | null, context: FrameContext): Int16Array | null {
    if (!this.#busy() && !this.#startNext(context)) {
      this.#onIdle();
      return frame;
    }
    if (this.#generator !== null) return this.#tone(this.#generator, context);
    if (this.#sender !== null) this.#sendEvent(this.#sender);
    else this.#gapTicks--;
    return null;
  }

  close(): void {
    this.#queue.length = 0;
    this.#sender = null;
    this.#generator = null;
    this.#gapTicks = 0;
  }

  #busy(): boolean {
    return this.#sender !== null || this.#generator !== null || this.#gapTicks > 0;
  }

  /** Begins the next queued digit in the mode the leg supports now; false when none is left. */
  #startNext(context: FrameContext): boolean {
    for (let next = this.#queue.shift(); next !== undefined; next = this.#queue.shift()) {
      const chain = this.#target.chain;
      const event = this.#target.params?.telephoneEvent ?? null;
      if (chain === null) {
        this.stats.dropped++;
        continue;
      }
      if (event !== null) {
        const sender = new TelephoneEventSender({ clockRate: event.clockRate, ptime: this.#frameMs, volume: EVENT_VOLUME });
        sender.start(next.digit, chain.packetizer.nextTimestamp, next.durationMs);
        this.#sender = sender;
        this.stats.eventDigits++;
      } else {
        const generator = new DtmfGenerator({ sampleRate: context.sampleRate, toneMs: next.durationMs, pauseMs: this.#pauseMs });
        generator.queue(next.digit);
        this.#generator = generator;
        this.stats.inbandDigits++;
      }
      return true;
    }
    return false;
  }

  #sendEvent(sender: TelephoneEventSender): void {
    const chain = this.#target.chain;
    const event = this.#target.params?.telephoneEvent ?? null;
    const packet = sender.next();
    if (packet !== null && chain !== null && event !== null) {
      chain.packetizer.sendEvent(event.payloadType, packet.payload, packet.timestamp, packet.marker);
      this.stats.eventPackets++;
    }
    if (!sender.active || chain === null || event === null) {
      this.#sender = null;
      this.#gapTicks = Math.round(this.#pauseMs / this.#frameMs);
    }
  }

  #tone(generator: DtmfGenerator, context: FrameContext): Int16Array {
    const length = Math.round((context.sampleRate * this.#frameMs) / 1000);
    if (this.#buffer.length !== length) this.#buffer = new Int16Array(length);
    generator.fill(this.#buffer);
    if (!generator.active) this.#generator = null;
    return this.#buffer;
  }
}
