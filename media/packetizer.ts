/**
 * The send side of a leg: takes 20 ms PCM frames, accumulates them into
 * packets of the leg's ptime (10 ms ptime: two packets per frame), encodes,
 * and writes RTP with rtp.js into a small ring of reused buffers. Sequence
 * number, timestamp and SSRC start random (RFC 3550 §5.1); the marker bit is
 * set on the first packet of a talkspurt (after start or silence).
 *
 * Discontinuous transmission: a frame the encoder marks as DTX (its
 * `dtxMaxBytes`; Opus's 1–2 byte packets, RFC 7587 §3.1.3) is not sent. The
 * timestamp moves on and the sequence number does not (a receiver would
 * count a skipped number as a lost packet), and the next packet sent carries
 * the marker (RFC 3551 §4.1: the first packet after a pause in sending).
 */
import { RtpPacket } from 'rtp.js/packets';
import type { AudioEncoder } from '../codecs/codec.js';
import { FRAME_MS } from './media-clock.js';
import { seqAdd, tsAdd } from './seq.js';

/**
 * Serialization buffers, used in turn. A send normally completes inside
 * `socket.send`; one the kernel queued keeps its buffer (see `send`).
 */
const SEND_RING = 4;
const RTP_HEADER_BYTES = 12;

export interface StreamPosition {
  readonly ssrc: number;
  /** Sequence number of the next packet. */
  readonly seq: number;
  /** RTP timestamp of the next frame. */
  readonly ts: number;
}

export interface PacketizerOptions {
  readonly encoder: AudioEncoder;
  readonly payloadType: number;
  readonly clockRate: number;
  readonly sampleRate: number;
  readonly ptime: number;
  readonly frameMs?: number;
  /**
   * Receives each serialized packet. Return true when the transport still
   * holds the bytes (a queued send): that buffer is then never reused.
   */
  readonly send: (datagram: Uint8Array) => boolean;
  /** Continues an existing stream (codec or ptime change) instead of starting a random one. */
  readonly continueFrom?: StreamPosition;
  /** uint32 source for the random start; crypto-strong by default. */
  readonly random?: () => number;
}

export interface PacketizerCounters {
  readonly packets: number;
  /** Payload octets sent (the RTCP SR sender's octet count). */
  readonly payloadOctets: number;
  /** Datagram bytes sent, headers included. */
  readonly bytes: number;
  /** Encoded DTX frames (packets' worth) not sent. */
  readonly dtxFrames: number;
}

export function randomUint32(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0] ?? 0;
}

export class Packetizer {
  readonly ssrc: number;
  readonly #encoder: AudioEncoder;
  /** Encoded frames this short are DTX frames (0: none are). */
  readonly #dtxMaxBytes: number;
  readonly #send: (datagram: Uint8Array) => boolean;
  readonly #packet = new RtpPacket();
  /** PCM samples and timestamp units of one frame and of one packet. */
  readonly #frameSamples: number;
  readonly #frameTs: number;
  readonly #packetSamples: number;
  readonly #packetTs: number;
  readonly #pcm: Int16Array;
  /** The first packet's worth of `#pcm`, what the encoder reads. */
  readonly #packetPcm: Int16Array;
  readonly #zeros: Int16Array;
  readonly #payload: Uint8Array;
  readonly #ring: ArrayBuffer[];
  #ringIndex = 0;
  #lastPayloadView: DataView | null = null;
  #filled = 0;
  #seq: number;
  /** Timestamp of the next sample pushed. */
  #ts: number;
  #marker = true;
  #packets = 0;
  #payloadOctets = 0;
  #bytes = 0;
  #dtxFrames = 0;
  #lastSentTs = 0;

  constructor(options: PacketizerOptions) {
    const frameMs = options.frameMs ?? FRAME_MS;
    const scale = Math.max(1, Math.round(options.sampleRate / options.clockRate));
    this.#encoder = options.encoder;
    this.#dtxMaxBytes = options.encoder.dtxMaxBytes ?? 0;
    this.#send = options.send;
    this.#frameTs = Math.round((options.clockRate * frameMs) / 1000);
    this.#frameSamples = this.#frameTs * scale;
    this.#packetTs = Math.round((options.clockRate * options.ptime) / 1000);
    this.#packetSamples = this.#packetTs * scale;
    // Room for a whole frame even when a packet is shorter (10 ms), or a packet plus a frame.
    this.#pcm = new Int16Array(this.#packetSamples + this.#frameSamples);
    this.#packetPcm = this.#pcm.subarray(0, this.#packetSamples);
    this.#zeros = new Int16Array(this.#frameSamples);
    // No codec we carry encodes to more than 16-bit PCM would take.
    const maxPayload = 2 * this.#packetSamples + 64;
    this.#payload = new Uint8Array(maxPayload);
    this.#ring = Array.from({ length: SEND_RING }, () => new ArrayBuffer(RTP_HEADER_BYTES + maxPayload));
    const random = options.random ?? randomUint32;
    const from = options.continueFrom;
    this.ssrc = from?.ssrc ?? random() >>> 0;
    this.#seq = from?.seq ?? random() & 0xffff;
    this.#ts = from?.ts ?? random() >>> 0;
    this.#packet.setPayloadType(options.payloadType);
    this.#packet.setSsrc(this.ssrc);
  }

  /** RTP timestamp of the last packet sent (for the RTCP sender report). */
  get lastSentTs(): number {
    return this.#lastSentTs;
  }

  /** Where the stream stands, to continue it with another codec or ptime. */
  position(): StreamPosition {
    return { ssrc: this.ssrc, seq: this.#seq, ts: this.#ts };
  }

  counters(): PacketizerCounters {
    return { packets: this.#packets, payloadOctets: this.#payloadOctets, bytes: this.#bytes, dtxFrames: this.#dtxFrames };
  }

  /** Adds one frame of PCM; sends every packet it completes. */
  push(frame: Int16Array): void {
    const pcm = this.#pcm;
    const at = this.#filled;
    for (let i = 0; i < this.#frameSamples; i++) pcm[at + i] = frame[i] ?? 0;
    this.#filled += this.#frameSamples;
    while (this.#filled >= this.#packetSamples) {
      this.#emit(this.#packetPcm);
      pcm.copyWithin(0, this.#packetSamples, this.#filled);
      this.#filled -= this.#packetSamples;
    }
  }

  /**
   * `frames` frames with nothing to send (silence, or ticks the clock skipped):
   * a partly filled packet is completed with silence and sent, the timestamp
   * moves on by exactly `frames` frames, and the next packet carries the marker.
   */
  silence(frames = 1): void {
    let left = frames;
    while (left > 0 && this.#filled > 0) {
      this.push(this.#zeros);
      left--;
    }
    if (left > 0) this.#ts = tsAdd(this.#ts, left * this.#frameTs);
    this.#marker = true;
  }

  #emit(pcm: Int16Array): void {
    const payloadBytes = this.#encoder.encode(pcm, this.#payload);
    if (payloadBytes > 0 && payloadBytes <= this.#dtxMaxBytes) {
      this.#dtxFrames++;
      this.#ts = tsAdd(this.#ts, this.#packetTs);
      this.#marker = true;
      return;
    }
    const slot = this.#ringIndex;
    const buffer = this.#ring[slot];
    this.#ringIndex = (slot + 1) % SEND_RING;
    if (buffer === undefined || payloadBytes <= 0) {
      this.#advance();
      return;
    }
    const packet = this.#packet;
    packet.setPayload(this.#payloadView(payloadBytes));
    // Serialize first, then set the header fields: setters write into the packet's
    // current buffer, which must be the new ring slot, not the one just sent.
    packet.serialize(buffer, 0);
    packet.setSequenceNumber(this.#seq);
    packet.setTimestamp(this.#ts);
    packet.setMarker(this.#marker);
    const length = RTP_HEADER_BYTES + payloadBytes;
    this.#lastSentTs = this.#ts;
    this.#marker = false;
    this.#packets++;
    this.#payloadOctets += payloadBytes;
    this.#bytes += length;
    this.#advance();
    if (this.#send(new Uint8Array(buffer, 0, length))) this.#ring[slot] = new ArrayBuffer(buffer.byteLength);
  }

  /** A view of the first `bytes` encoded bytes, kept while the size repeats (always, for CBR codecs). */
  #payloadView(bytes: number): DataView {
    if (this.#lastPayloadView?.byteLength !== bytes) {
      this.#lastPayloadView = new DataView(this.#payload.buffer, this.#payload.byteOffset, bytes);
    }
    return this.#lastPayloadView;
  }

  #advance(): void {
    this.#seq = seqAdd(this.#seq, 1);
    this.#ts = tsAdd(this.#ts, this.#packetTs);
  }
}
