/**
 * One endpoint of the RTP load generator: its socket, its send state
 * (sequence number, timestamp, the packet buffer rewritten per frame) and
 * its receive counters for what the server sends back. The generator owns
 * the timing; this file only counts.
 */
import type { Socket } from 'node:dgram';
import { MarkerScanner } from './frame-marker.js';

/** Receive-side counters of one stream (since the stream opened or the last window mark). */
export interface StreamCounters {
  /** RTP packets sent towards the server. */
  packetsOut: number;
  /** RTP packets received from the server. */
  packetsIn: number;
  /** RTCP packets received (rtcp-mux). */
  rtcpIn: number;
  /** Gaps in the server's sequence numbers (packets the server numbered but we never got). */
  seqLost: number;
  /** Packets that arrived after a later sequence number (out of order). */
  reordered: number;
  /** Packets whose sequence number was just seen again. */
  duplicates: number;
  /** Echoed frames that arrived more than `lateMs` behind the stream's fastest round trip. */
  late: number;
  /** RTP packets in which no frame marker starts (concealment, a frame split by a time-stretch, or a codec that cannot carry one). */
  unmarked: number;
  /** Frame markers seen a second time (a repeated frame, e.g. a concealment copy). */
  repeatedFrames: number;
  /** Send calls that failed (e.g. ICMP port unreachable after the server closed the leg). */
  sendErrors: number;
}

export function zeroCounters(): StreamCounters {
  return { packetsOut: 0, packetsIn: 0, rtcpIn: 0, seqLost: 0, reordered: 0, duplicates: 0, late: 0, unmarked: 0, repeatedFrames: 0, sendErrors: 0 };
}

/** Never started / never stopped. */
export const NO_TICK = -1;
export const OPEN_END = 0x7fffffff;

export class LoadStream {
  readonly index: number;
  readonly socket: Socket;
  /** Which sub-slot of the 20 ms frame this stream sends in. */
  readonly slot: number;
  /** The RTP packet, rewritten in place before each send. */
  readonly packet: Buffer;
  readonly localPort: number;
  seq: number;
  ts: number;
  /** First tick this stream sends on (NO_TICK until it has a remote). */
  startTick = NO_TICK;
  /** First tick it no longer sends on. */
  stopTick = OPEN_END;
  remote: { readonly address: string; readonly port: number } | null = null;
  counters: StreamCounters = zeroCounters();
  /** Finds frame markers in what comes back, wherever the echo path put them. */
  readonly scanner = new MarkerScanner();
  /** Called with each marker's tick (set by the generator; one closure per stream, not per packet). */
  onMarker: (tick: number) => void = () => undefined;
  /** Fastest round trip seen (ms): the reference for `late`. Kept across window marks. */
  minTransitMs = Infinity;
  #lastSeq = -1;

  constructor(index: number, socket: Socket, slot: number, packet: Buffer) {
    this.index = index;
    this.socket = socket;
    this.slot = slot;
    this.packet = packet;
    this.localPort = socket.address().port;
    this.seq = (index * 7919) & 0xffff;
    this.ts = (index * 104729) >>> 0;
  }

  /** Whether the stream sends on `tick`. */
  sendsOn(tick: number): boolean {
    return this.remote !== null && this.startTick !== NO_TICK && tick >= this.startTick && tick < this.stopTick;
  }

  /**
   * Sequence accounting for one received RTP packet (RFC 3550 style: gaps,
   * reordering, duplicates). True when it directly follows the previous one.
   */
  countSequence(seq: number): boolean {
    const counters = this.counters;
    counters.packetsIn++;
    if (this.#lastSeq < 0) {
      this.#lastSeq = seq;
      return false;
    }
    const delta = (seq - this.#lastSeq) & 0xffff;
    if (delta === 0) {
      counters.duplicates++;
    } else if (delta < 0x8000) {
      counters.seqLost += delta - 1;
      this.#lastSeq = seq;
    } else {
      // Older than the newest seen: it fills a gap counted as lost.
      counters.reordered++;
      if (counters.seqLost > 0) counters.seqLost--;
    }
    return delta === 1;
  }

  /** A new measuring window: counters restart (the round-trip reference is kept). */
  resetWindow(): void {
    this.counters = zeroCounters();
  }
}
