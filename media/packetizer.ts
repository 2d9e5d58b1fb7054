/**
 * The send side of a leg: takes 20 ms PCM frames, accumulates them into
 * packets of the leg's ptime (10 ms ptime: two packets per frame), encodes,
 * and writes RTP into a small ring of reused buffers: the 12-byte header by
 * hand (RFC 3550 §5.1, no CSRCs or extensions) and the payload encoded
 * straight after it, so a packet costs no object and no copy. Sequence
 * number, timestamp and SSRC start random (RFC 3550 §5.1); the marker bit is
 * set on the first packet of a talkspurt (after start or silence).
 *
 * Discontinuous transmission: a frame the encoder marks as DTX (its
 * `dtxMaxBytes`; Opus's 1–2 byte packets, RFC 7587 §3.1.3) is not sent. The
 * timestamp moves on and the sequence number does not (a receiver would
 * count a skipped number as a lost packet), and the next packet sent carries
 * the marker (RFC 3551 §4.1: the first packet after a pause in sending).
 */
import type { AudioEncoder } from '../codecs/codec.js';
import { FRAME_MS } from './media-clock.js';
import { seqAdd, tsAdd } from './seq.js';

/**
 * Serialization buffers, used in turn. A send normally completes inside
 * `socket.send`; one the kernel queued keeps its buffer (see `send`).
 */
const SEND_RING = 4;
const RTP_HEADER_BYTES = 12;
/** V=2, no padding, no extension, no CSRC. */
const RTP_VERSION_BYTE = 0x80;

/** One reusable datagram: the header's fixed bytes are written once, at creation. */
interface SendSlot {
  readonly bytes: Uint8Array;
  /** The payload area after the header, what the encoder writes into. */
  readonly payload: Uint8Array;
  /** The last datagram view handed to `send`, kept while the packet length repeats (always, for CBR codecs). */
  datagram: Uint8Array;
}

function newSlot(capacity: number, ssrc: number): SendSlot {
  const bytes = new Uint8Array(RTP_HEADER_BYTES + capacity);
  bytes[0] = RTP_VERSION_BYTE;
  bytes[8] = ssrc >>> 24;
  bytes[9] = (ssrc >>> 16) & 0xff;
  bytes[10] = (ssrc >>> 8) & 0xff;
  bytes[11] = ssrc & 0xff;
  return { bytes, payload: bytes.subarray(RTP_HEADER_BYTES), datagram: bytes };
}

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

/**
 * A packet encoded once for many legs (a conference's shared mix): a leg
 * whose packetizer is pointed at it and that pushes exactly `frame` sends
 * `payload` under its own SSRC, sequence number and timestamp instead of
 * encoding the frame itself.
 */
export interface SharedPacketSource {
  /** The PCM frame this source stands for in the current tick; identity, not content, is compared. */
  readonly frame: Int16Array;
  /** The encoded packet completed this tick, or null while a longer ptime is still filling. */
  readonly payload: DataView | null;
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
  /** Marker-less second header byte: the payload type. */
  readonly #payloadType: number;
  /** PCM samples and timestamp units of one frame and of one packet. */
  readonly #frameSamples: number;
  readonly #frameTs: number;
  readonly #packetSamples: number;
  readonly #packetTs: number;
  readonly #pcm: Int16Array;
  /** The first packet's worth of `#pcm`, what the encoder reads. */
  readonly #packetPcm: Int16Array;
  readonly #zeros: Int16Array;
  readonly #maxPayload: number;
  readonly #ring: SendSlot[];
  #ringIndex = 0;
  /** The last shared payload and a byte view of it (the same DataView comes back tick after tick). */
  #sharedView: DataView | null = null;
  #sharedBytes: Uint8Array | null = null;
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
  #sharedPackets = 0;
  /** Shared encoding: see `SharedPacketSource`. Set per tick by whoever owns the leg's app; null: encode here. */
  shared: SharedPacketSource | null = null;

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
    this.#maxPayload = 2 * this.#packetSamples + 64;
    this.#payloadType = options.payloadType & 0x7f;
    const random = options.random ?? randomUint32;
    const from = options.continueFrom;
    this.ssrc = from?.ssrc ?? random() >>> 0;
    this.#seq = from?.seq ?? random() & 0xffff;
    this.#ts = from?.ts ?? random() >>> 0;
    this.#ring = Array.from({ length: SEND_RING }, () => newSlot(this.#maxPayload, this.ssrc));
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

  /** Packets sent from a shared encoding (`shared`) instead of this packetizer's encoder. */
  get sharedPackets(): number {
    return this.#sharedPackets;
  }

  /** Adds one frame of PCM; sends every packet it completes. */
  push(frame: Int16Array): void {
    const shared = this.shared;
    // A partly filled packet of our own finishes on our own encoder first.
    if (shared !== null && shared.frame === frame && this.#filled === 0) {
      if (shared.payload !== null) this.#sendShared(shared.payload);
      return;
    }
    const pcm = this.#pcm;
    const at = this.#filled;
    if (frame.length === this.#frameSamples) pcm.set(frame, at);
    else for (let i = 0; i < this.#frameSamples; i++) pcm[at + i] = frame[i] ?? 0;
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

  /**
   * Sends a packet of another payload type in this stream (RFC 4733
   * telephone-event): same SSRC, the next sequence number, the caller's
   * timestamp; the audio timeline is not moved.
   */
  sendEvent(payloadType: number, payload: Uint8Array, timestamp: number, marker: boolean): void {
    const length = RTP_HEADER_BYTES + payload.length;
    const buffer = new ArrayBuffer(length);
    const bytes = new Uint8Array(buffer);
    bytes[0] = 0x80;
    bytes[1] = (marker ? 0x80 : 0) | (payloadType & 0x7f);
    const view = new DataView(buffer);
    view.setUint16(2, this.#seq);
    view.setUint32(4, timestamp >>> 0);
    view.setUint32(8, this.ssrc);
    bytes.set(payload, RTP_HEADER_BYTES);
    this.#seq = seqAdd(this.#seq, 1);
    this.#packets++;
    this.#payloadOctets += payload.length;
    this.#bytes += length;
    // A fresh buffer each time (events are rare), so a queued send can keep it.
    this.#send(bytes);
  }

  /** RTP timestamp the next audio frame will carry (an event starting now uses it). */
  get nextTimestamp(): number {
    return this.#ts;
  }

  /** Encodes one packet's PCM straight into the next ring slot, after the header. */
  #emit(pcm: Int16Array): void {
    const slot = this.#ring[this.#ringIndex];
    if (slot === undefined) return;
    const payloadBytes = this.#encoder.encode(pcm, slot.payload);
    this.#sendSlot(slot, payloadBytes, false);
  }

  /** Copies a payload encoded elsewhere (a room's shared mix) into the next ring slot. */
  #sendShared(payload: DataView): void {
    const slot = this.#ring[this.#ringIndex];
    if (slot === undefined) return;
    let bytes = this.#sharedBytes;
    if (this.#sharedView !== payload || bytes === null) {
      bytes = new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength);
      this.#sharedView = payload;
      this.#sharedBytes = bytes;
    }
    const length = Math.min(bytes.length, this.#maxPayload);
    slot.payload.set(length === bytes.length ? bytes : bytes.subarray(0, length));
    this.#sendSlot(slot, length, true);
  }

  /**
   * Sends the slot's packet of `payloadBytes` encoded bytes (≤ 0: the encoder
   * failed; the timeline still moves). DTX frames are not sent.
   */
  #sendSlot(slot: SendSlot, payloadBytes: number, shared: boolean): void {
    if (payloadBytes > 0 && payloadBytes <= this.#dtxMaxBytes) {
      this.#dtxFrames++;
      this.#ts = tsAdd(this.#ts, this.#packetTs);
      this.#marker = true;
      return;
    }
    const index = this.#ringIndex;
    this.#ringIndex = index + 1 === SEND_RING ? 0 : index + 1;
    if (payloadBytes <= 0) {
      this.#advance();
      return;
    }
    const bytes = slot.bytes;
    const seq = this.#seq;
    const ts = this.#ts;
    bytes[1] = this.#marker ? 0x80 | this.#payloadType : this.#payloadType;
    bytes[2] = seq >>> 8;
    bytes[3] = seq & 0xff;
    bytes[4] = ts >>> 24;
    bytes[5] = (ts >>> 16) & 0xff;
    bytes[6] = (ts >>> 8) & 0xff;
    bytes[7] = ts & 0xff;
    const length = RTP_HEADER_BYTES + payloadBytes;
    this.#lastSentTs = ts;
    this.#marker = false;
    this.#packets++;
    this.#payloadOctets += payloadBytes;
    this.#bytes += length;
    if (shared) this.#sharedPackets++;
    this.#advance();
    let datagram = slot.datagram;
    if (datagram.length !== length) {
      datagram = bytes.subarray(0, length);
      slot.datagram = datagram;
    }
    if (this.#send(datagram)) this.#ring[index] = newSlot(this.#maxPayload, this.ssrc);
  }

  #advance(): void {
    this.#seq = seqAdd(this.#seq, 1);
    this.#ts = tsAdd(this.#ts, this.#packetTs);
  }
}
