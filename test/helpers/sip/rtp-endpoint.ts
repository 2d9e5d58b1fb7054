/**
 * The test client's RTP side: one UDP socket on 127.0.0.1:0 whose port goes
 * into the offer. Sends PCM as G.711 RTP paced on absolute 20 ms deadlines
 * (no drift), and records and decodes whatever comes back. The RTP header is
 * written and read here by hand (RFC 3550 §5.1) so the client shares no code
 * with the media path under test.
 */
import { createSocket, type Socket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { g711Decode, g711Encode, type G711Law } from '../g711.js';
import { deferred, withTimeout } from './wait.js';
import type { Endpoint } from './transport.js';

const RTP_HEADER_BYTES = 12;

export interface ReceivedPacket {
  readonly sequenceNumber: number;
  readonly timestamp: number;
  readonly payloadType: number;
  readonly marker: boolean;
  readonly ssrc: number;
  readonly payloadBytes: number;
  /** "address:port" the packet came from. */
  readonly source: string;
}

export interface ReceivedAudio {
  /** Every RTP packet received, in arrival order. */
  readonly packets: readonly ReceivedPacket[];
  /** Decoded audio (G.711 payload types only), concatenated in arrival order. */
  readonly pcm: Int16Array;
  /** Every packet's payload (a copy), in arrival order: for codecs the client does not decode itself. */
  readonly payloads: readonly Uint8Array[];
  /** Datagrams that were not RTP version 2 or were truncated. */
  readonly malformed: number;
}

export interface SendOptions {
  readonly payloadType: number;
  readonly law: G711Law;
  readonly ptime?: number;
  readonly clockRate?: number;
}

export class RtpEndpoint {
  /** Where to send: the far end's SDP address, set once the answer is known. */
  remote: Endpoint | null = null;
  /** Payload type → law, for decoding what we receive. Static PCMU/PCMA are always known. */
  readonly laws = new Map<number, G711Law>([
    [0, 'PCMU'],
    [8, 'PCMA'],
  ]);
  private readonly packets: ReceivedPacket[] = [];
  private readonly chunks: Int16Array[] = [];
  private readonly payloads: Uint8Array[] = [];
  private malformed = 0;
  private readonly ssrc = (Math.random() * 2 ** 32) >>> 0;
  private sequence = Math.floor(Math.random() * 65536);
  private nextTimestamp = (Math.random() * 2 ** 32) >>> 0;
  private readonly abort = new AbortController();
  private packetWaiters: { count: number; resolve: () => void }[] = [];
  private closed = false;

  private constructor(
    private readonly socket: Socket,
    readonly local: Endpoint,
  ) {
    socket.on('message', (data, rinfo) => this.onDatagram(data, `${rinfo.address}:${rinfo.port}`));
    socket.on('error', () => undefined);
  }

  static async open(host = '127.0.0.1'): Promise<RtpEndpoint> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    return new RtpEndpoint(socket, { host, port: socket.address().port });
  }

  /**
   * Sends `pcm` as consecutive frames of `ptime` ms, one every `ptime` ms on
   * absolute deadlines from the start. The first packet carries the marker
   * bit. Resolves with the number of packets sent once the last one is out.
   */
  async sendPcm(pcm: Int16Array, options: SendOptions): Promise<number> {
    const ptime = options.ptime ?? 20;
    const frameSamples = ((options.clockRate ?? 8000) * ptime) / 1000;
    const frames: Uint8Array[] = [];
    for (let offset = 0; offset + frameSamples <= pcm.length; offset += frameSamples) {
      frames.push(g711Encode(options.law, pcm.subarray(offset, offset + frameSamples)));
    }
    return this.sendPayloads(frames, { payloadType: options.payloadType, ptime, timestampStep: frameSamples });
  }

  /**
   * Sends already encoded payloads (any codec), one every `ptime` ms on
   * absolute deadlines, the timestamp advancing `timestampStep` per packet;
   * the first carries the marker bit. Resolves with the number sent.
   */
  async sendPayloads(payloads: readonly Uint8Array[], options: { payloadType: number; ptime: number; timestampStep: number }): Promise<number> {
    const remote = this.remote;
    if (remote === null) throw new Error('RTP remote address unknown (no SDP answer yet)');
    const start = performance.now();
    let sent = 0;
    for (const payload of payloads) {
      const wait = start + sent * options.ptime - performance.now();
      if (wait > 0) {
        try {
          await delay(wait, undefined, { signal: this.abort.signal });
        } catch {
          return sent; // closed while sending
        }
      }
      if (this.closed) return sent;
      this.socket.send(this.packet(options.payloadType, sent === 0, payload), remote.port, remote.host);
      this.nextTimestamp = (this.nextTimestamp + options.timestampStep) >>> 0;
      sent++;
    }
    return sent;
  }

  private packet(payloadType: number, marker: boolean, payload: Uint8Array): Buffer {
    const out = Buffer.alloc(RTP_HEADER_BYTES + payload.length);
    out[0] = 0b1000_0000; // V=2, no padding, no extension, no CSRC
    out[1] = (marker ? 0x80 : 0) | (payloadType & 0x7f);
    out.writeUInt16BE(this.sequence, 2);
    out.writeUInt32BE(this.nextTimestamp, 4);
    out.writeUInt32BE(this.ssrc, 8);
    out.set(payload, RTP_HEADER_BYTES);
    this.sequence = (this.sequence + 1) & 0xffff;
    return out;
  }

  private onDatagram(data: Buffer, source: string): void {
    const parsed = parseRtp(data);
    if (parsed === null) {
      this.malformed++;
      return;
    }
    this.packets.push({ ...parsed.header, source });
    this.payloads.push(parsed.payload.slice());
    const law = this.laws.get(parsed.header.payloadType);
    if (law !== undefined) this.chunks.push(g711Decode(law, parsed.payload));
    const count = this.packets.length;
    this.packetWaiters = this.packetWaiters.filter((w) => {
      if (count < w.count) return true;
      w.resolve();
      return false;
    });
  }

  received(): ReceivedAudio {
    const total = this.chunks.reduce((n, c) => n + c.length, 0);
    const pcm = new Int16Array(total);
    let at = 0;
    for (const chunk of this.chunks) {
      pcm.set(chunk, at);
      at += chunk.length;
    }
    return { packets: [...this.packets], pcm, payloads: [...this.payloads], malformed: this.malformed };
  }

  /** Resolves once at least `count` RTP packets have arrived in total. */
  async waitForPackets(count: number, timeoutMs: number): Promise<void> {
    if (this.packets.length >= count) return;
    const arrived = deferred<void>();
    this.packetWaiters.push({ count, resolve: () => arrived.resolve() });
    await withTimeout(arrived.promise, timeoutMs, `${count} RTP packets (have ${this.packets.length})`);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.abort.abort();
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }
}

/** Parses an RTP packet (RFC 3550 §5.1): null when not version 2 or truncated. RTCP is refused too. */
export function parseRtp(data: Uint8Array): { header: Omit<ReceivedPacket, 'source'>; payload: Uint8Array } | null {
  if (data.length < RTP_HEADER_BYTES) return null;
  const b0 = data[0] ?? 0;
  const b1 = data[1] ?? 0;
  if (b0 >> 6 !== 2) return null;
  if (b1 >= 200 && b1 <= 204) return null; // RTCP SR/RR/SDES/BYE/APP on a muxed port
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let offset = RTP_HEADER_BYTES + 4 * (b0 & 0x0f);
  if ((b0 & 0x10) !== 0) {
    if (data.length < offset + 4) return null;
    offset += 4 + 4 * view.getUint16(offset + 2);
  }
  let end = data.length;
  if ((b0 & 0x20) !== 0) end -= data[data.length - 1] ?? 0;
  if (offset > end) return null;
  return {
    header: {
      sequenceNumber: view.getUint16(2),
      timestamp: view.getUint32(4),
      payloadType: b1 & 0x7f,
      marker: (b1 & 0x80) !== 0,
      ssrc: view.getUint32(8),
      payloadBytes: end - offset,
    },
    payload: data.subarray(offset, end),
  };
}
