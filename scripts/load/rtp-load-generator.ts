/**
 * RTP load generator: N endpoints on one address (loopback by default), each
 * sending 20 ms audio frames (a pre-encoded tone) from its own UDP socket on
 * absolute deadlines, and counting what comes back per stream.
 *
 * Timing: ONE timer loop for all streams. The 20 ms frame is split into
 * `slots` sub-slots (default 4 × 5 ms) and each stream sends in slot
 * index % slots, so the load reaches the server spread out as independent
 * phones' packets would, and each wake-up sends one batch. The loop records
 * how late each batch went out; frames sent more than `generatorLateMs` late
 * are the generator's fault, not the server's, and are reported apart.
 * A batch more than `skipAfterMs` late is skipped (sequence and timestamp
 * advance, as a phone that dropped frames) rather than burst.
 *
 * Echo accounting (G.711 only): each payload carries a marker naming its
 * tick (frame-marker.ts), so a frame echoed back is matched to its send:
 * which frames never returned, and each frame's round trip.
 *
 * API: `RtpLoadGenerator.open(options)` → `ports`; `connect(i, address, port)`
 * per stream (it starts sending on the next tick); `start()`; `mark()` opens
 * the measuring window; `stopSending()`; `report()`; `close()`.
 */
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { realTimerSource, LatenessHistogram, type TimerSource } from '../../media/media-clock.js';
import { EchoLedger } from './echo-ledger.js';
import { writeMarker } from './frame-marker.js';
import { LoadStream, OPEN_END } from './load-stream.js';
import { encodeToneLoop, type GeneratorCodec, PCMU_CODEC, supportsMarker } from './tone-frames.js';
import { summarize, type LoadReport } from './load-report.js';

export const FRAME_MS = 20;
const RTP_HEADER_BYTES = 12;

export interface RtpLoadOptions {
  readonly streams: number;
  readonly codec?: GeneratorCodec;
  readonly toneHz?: number;
  readonly toneDbfs?: number;
  readonly bindAddress?: string;
  /** Send phases per 20 ms frame (1 = every stream on the frame edge). */
  readonly slots?: number;
  /** Longest run the echo ledger can hold (seconds). */
  readonly maxSeconds?: number;
  /** An echoed frame this much slower than the stream's fastest round trip counts as late. */
  readonly lateMs?: number;
  /** A frame sent this late by the generator is not the server's fault if it does not come back. */
  readonly generatorLateMs?: number;
  /** A batch this late is skipped instead of sent. */
  readonly skipAfterMs?: number;
  readonly timers?: TimerSource;
}

/** The generator's own timing: is it keeping up? */
export interface GeneratorTiming {
  readonly batches: number;
  readonly latenessP50Ms: number;
  readonly latenessP99Ms: number;
  readonly latenessMaxMs: number;
  /** Frames sent more than `generatorLateMs` late. */
  readonly lateFrames: number;
  /** Frames not sent at all (batch skipped). */
  readonly skippedFrames: number;
}

export class RtpLoadGenerator {
  readonly streams: readonly LoadStream[];
  readonly codec: GeneratorCodec;
  readonly options: Required<Omit<RtpLoadOptions, 'codec' | 'timers'>>;
  readonly #timers: TimerSource;
  readonly #frames: readonly Uint8Array[];
  readonly #bySlot: readonly LoadStream[][];
  readonly #ledger: EchoLedger;
  /** Per (tick, slot): how late that batch went out (ms), NaN if skipped or not reached. */
  readonly #batchLateness: Float32Array;
  readonly #slotMs: number;
  readonly #marked: boolean;
  readonly #lateness = new LatenessHistogram();
  /** Round trips (send → echo back) of marked frames in the window. */
  readonly #transit = new LatenessHistogram();
  #epoch = 0;
  /** Next batch number (tick × slots + slot). */
  #nextBatch = 0;
  #cancel: (() => void) | null = null;
  #markTick = 0;
  #lateFrames = 0;
  #skippedFrames = 0;
  #closed = false;

  private constructor(streams: LoadStream[], codec: GeneratorCodec, frames: Uint8Array[], options: RtpLoadGenerator['options'], timers: TimerSource) {
    this.streams = streams;
    this.codec = codec;
    this.options = options;
    this.#timers = timers;
    this.#frames = frames;
    this.#slotMs = FRAME_MS / options.slots;
    this.#bySlot = Array.from({ length: options.slots }, (_, slot) => streams.filter((s) => s.slot === slot));
    const maxTicks = Math.ceil((options.maxSeconds * 1000) / FRAME_MS);
    this.#ledger = new EchoLedger(streams.length, maxTicks);
    this.#batchLateness = new Float32Array(maxTicks * options.slots).fill(Number.NaN);
    this.#marked = supportsMarker(codec);
  }

  /** Binds one UDP socket per stream. */
  static async open(options: RtpLoadOptions): Promise<RtpLoadGenerator> {
    const codec = options.codec ?? PCMU_CODEC;
    const settings = {
      streams: options.streams,
      toneHz: options.toneHz ?? 440,
      toneDbfs: options.toneDbfs ?? -12,
      bindAddress: options.bindAddress ?? '127.0.0.1',
      slots: Math.max(1, Math.min(20, options.slots ?? 4)),
      maxSeconds: options.maxSeconds ?? 600,
      lateMs: options.lateMs ?? 40,
      generatorLateMs: options.generatorLateMs ?? 10,
      skipAfterMs: options.skipAfterMs ?? 60,
    };
    const frames = encodeToneLoop(codec, settings.toneHz, settings.toneDbfs, FRAME_MS);
    const packetBytes = RTP_HEADER_BYTES + Math.max(0, ...frames.map((f) => f.length));
    const streams: LoadStream[] = [];
    try {
      for (let i = 0; i < settings.streams; i++) {
        const socket = createSocket({ type: 'udp4' });
        streams.push(new LoadStream(i, await bindSocket(socket, settings.bindAddress), i % settings.slots, rtpHeader(packetBytes, codec.payloadType, 0x5a000000 + i)));
      }
    } catch (error) {
      for (const stream of streams) stream.socket.close();
      throw error;
    }
    const generator = new RtpLoadGenerator(streams, codec, frames, settings, options.timers ?? realTimerSource);
    for (const stream of streams) {
      stream.socket.on('message', (data: Buffer) => generator.#receive(stream, data));
      stream.onMarker = (tick) => generator.#echoed(stream, tick);
      stream.socket.on('error', () => stream.counters.sendErrors++);
    }
    return generator;
  }

  get ports(): number[] {
    return this.streams.map((s) => s.localPort);
  }

  /** The tick the next batch belongs to. */
  get currentTick(): number {
    return Math.floor(this.#nextBatch / this.options.slots);
  }

  /** Points stream `index` at the server (a connected socket: no lookup per send); it sends from the next tick. */
  async connect(index: number, address: string, port: number): Promise<void> {
    const stream = this.streams[index];
    if (stream === undefined) throw new RangeError(`no stream ${index}`);
    stream.socket.connect(port, address);
    await once(stream.socket, 'connect');
    stream.remote = { address, port };
    stream.startTick = this.currentTick + 1;
  }

  /** Stops one stream's sending (its call ended) from the next tick. */
  stopStream(index: number): void {
    const stream = this.streams[index];
    if (stream !== undefined && stream.stopTick === OPEN_END) stream.stopTick = this.currentTick + 1;
  }

  /** Starts the timer loop (tick 0 is now). */
  start(): void {
    if (this.#cancel !== null || this.#closed) return;
    this.#epoch = this.#timers.now();
    this.#nextBatch = 0;
    this.#schedule();
  }

  /** The measuring window starts at the next tick: receive counters and timing restart. */
  mark(): void {
    this.#markTick = this.currentTick + 1;
    this.#lateness.reset();
    this.#transit.reset();
    this.#lateFrames = 0;
    this.#skippedFrames = 0;
    for (const stream of this.streams) stream.resetWindow();
  }

  /** Every stream stops sending from the next tick; the loop stops. Receiving goes on until close(). */
  stopSending(): void {
    const next = this.currentTick + 1;
    for (const stream of this.streams) if (stream.stopTick > next) stream.stopTick = next;
    this.#cancel?.();
    this.#cancel = null;
  }

  /**
   * Figures of the window since mark(). Frames of the last `inFlightMs` are
   * left out of the echo accounting while still sending (they may be on their way).
   */
  report(inFlightMs = 500): LoadReport {
    // Ticks below `reached` had at least one batch processed.
    const reached = Math.ceil(this.#nextBatch / this.options.slots);
    const lastTick = this.#cancel === null ? reached : reached - Math.ceil(inFlightMs / FRAME_MS);
    return summarize({
      streams: this.streams,
      ledger: this.#marked ? this.#ledger : null,
      fromTick: this.#markTick,
      toTick: Math.min(lastTick, this.#ledger.maxTicks),
      slots: this.options.slots,
      batchLateness: this.#batchLateness,
      generatorLateMs: this.options.generatorLateMs,
      timing: this.timing(),
      roundTrip: this.#transit.summary(),
    });
  }

  timing(): GeneratorTiming {
    const summary = this.#lateness.summary();
    return {
      batches: summary.ticks,
      latenessP50Ms: summary.p50Ms,
      latenessP99Ms: summary.p99Ms,
      latenessMaxMs: summary.maxMs,
      lateFrames: this.#lateFrames,
      skippedFrames: this.#skippedFrames,
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#cancel?.();
    this.#cancel = null;
    await Promise.all(this.streams.map((s) => new Promise<void>((resolve) => s.socket.close(() => resolve()))));
  }

  #schedule(): void {
    const deadline = this.#epoch + this.#nextBatch * this.#slotMs;
    this.#cancel = this.#timers.set(() => this.#wake(), deadline - this.#timers.now());
  }

  /** Sends every batch whose deadline has passed, then sleeps until the next one. */
  #wake(): void {
    const now = this.#timers.now();
    const slots = this.options.slots;
    while (this.#epoch + this.#nextBatch * this.#slotMs <= now) {
      const batch = this.#nextBatch++;
      const tick = Math.floor(batch / slots);
      if (tick >= this.#ledger.maxTicks) {
        this.stopSending();
        return;
      }
      const lateMs = now - (this.#epoch + batch * this.#slotMs);
      this.#lateness.record(lateMs);
      const skip = lateMs > this.options.skipAfterMs;
      if (!skip) this.#batchLateness[batch] = lateMs;
      const sent = this.#sendBatch(this.#bySlot[batch % slots] ?? [], tick, skip);
      if (skip) this.#skippedFrames += sent;
      else if (lateMs > this.options.generatorLateMs) this.#lateFrames += sent;
    }
    this.#schedule();
  }

  #sendBatch(streams: readonly LoadStream[], tick: number, skip: boolean): number {
    const frame = this.#frames[tick % this.#frames.length] as Uint8Array;
    const step = (this.codec.clockRate * FRAME_MS) / 1000;
    let count = 0;
    for (const stream of streams) {
      if (!stream.sendsOn(tick)) continue;
      count++;
      const packet = stream.packet;
      packet.writeUInt16BE(stream.seq, 2);
      packet.writeUInt32BE(stream.ts, 4);
      stream.seq = (stream.seq + 1) & 0xffff;
      stream.ts = (stream.ts + step) >>> 0;
      if (skip) continue;
      packet.set(frame, RTP_HEADER_BYTES);
      if (this.#marked) writeMarker(packet, RTP_HEADER_BYTES, tick);
      stream.counters.packetsOut++;
      const length = RTP_HEADER_BYTES + frame.length;
      if (length === packet.length) stream.socket.send(packet);
      else stream.socket.send(packet, 0, length);
    }
    return count;
  }

  #receive(stream: LoadStream, data: Buffer): void {
    if (data.length < RTP_HEADER_BYTES || (data[0] ?? 0) >> 6 !== 2) return;
    const payloadType = (data[1] ?? 0) & 0x7f;
    if (payloadType >= 72 && payloadType <= 79) {
      stream.counters.rtcpIn++; // RTCP SR/RR/SDES/BYE on a muxed port
      return;
    }
    const contiguous = stream.countSequence(data.readUInt16BE(2));
    const offset = payloadOffset(data);
    if (!this.#marked || offset < 0) {
      stream.counters.unmarked++;
      return;
    }
    if (!contiguous) stream.scanner.reset();
    if (stream.scanner.scan(data, offset, stream.onMarker) === 0) stream.counters.unmarked++;
  }

  /** A marker came back: ledger, round trip, lateness. */
  #echoed(stream: LoadStream, tick: number): void {
    if (!this.#ledger.record(stream.index, tick)) {
      stream.counters.repeatedFrames++;
      return;
    }
    const batch = tick * this.options.slots + stream.slot;
    const sentLate = this.#batchLateness[batch];
    if (sentLate === undefined || Number.isNaN(sentLate)) return;
    const transit = this.#timers.now() - (this.#epoch + batch * this.#slotMs + sentLate);
    this.#transit.record(transit);
    if (transit < stream.minTransitMs) stream.minTransitMs = transit;
    else if (transit - stream.minTransitMs > this.options.lateMs) stream.counters.late++;
  }
}

async function bindSocket(socket: Socket, address: string): Promise<Socket> {
  socket.bind(0, address);
  await once(socket, 'listening');
  return socket;
}

function rtpHeader(bytes: number, payloadType: number, ssrc: number): Buffer {
  const packet = Buffer.alloc(bytes);
  packet[0] = 0x80;
  packet[1] = payloadType & 0x7f;
  packet.writeUInt32BE(ssrc >>> 0, 8);
  return packet;
}

/** Where an RTP packet's payload starts (after CSRCs and a header extension), or -1 if truncated. */
function payloadOffset(data: Buffer): number {
  const first = data[0] ?? 0;
  let offset = RTP_HEADER_BYTES + 4 * (first & 0x0f);
  if ((first & 0x10) !== 0) {
    if (data.length < offset + 4) return -1;
    offset += 4 + 4 * data.readUInt16BE(offset + 2);
  }
  return offset <= data.length ? offset : -1;
}
