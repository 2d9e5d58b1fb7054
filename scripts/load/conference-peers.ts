/**
 * RTP load generator for the conference benchmark, run as a child process
 * (`fork`) so its CPU is not counted as the server's. Over IPC it is told
 * the peers to play (codec, tone or silence); it binds one UDP socket per
 * peer on 127.0.0.1, pre-encodes one second of each peer's audio, and once
 * told where the engine listens sends one 20 ms RTP packet per peer on
 * absolute deadlines. It counts what the server sends back per peer:
 * packets, losses (sequence gaps) and late packets (arrival more than
 * `LATE_MS` behind the earliest transit seen on that stream).
 *
 * Protocol: parent → {type:'setup', peers} ; child → {type:'ready', ports}
 *           parent → {type:'start', enginePorts, durationMs} ; parent → {type:'mark'}
 *           (end of warm-up: counters restart) ; child → {type:'done', result}
 */
import { createSocket, type Socket } from 'node:dgram';
import { findCodec } from '../../codecs/index.js';

export const LATE_MS = 40;
const FRAME_MS = 20;
const LOOP_FRAMES = 50;

export interface PeerCodec {
  readonly name: string;
  readonly payloadType: number;
  readonly clockRate: number;
  readonly sampleRate: number;
}

export interface PeerSpec {
  readonly codec: PeerCodec;
  /** null: encoded digital silence. */
  readonly tone: { readonly frequency: number; readonly dbfs: number } | null;
}

export interface LoadResult {
  readonly sent: number;
  readonly received: number;
  readonly lost: number;
  readonly late: number;
  /** Sender ticks that ran over a frame late (the generator itself fell behind). */
  readonly senderSkips: number;
}

export type ParentMessage =
  | { readonly type: 'setup'; readonly peers: readonly PeerSpec[] }
  | { readonly type: 'start'; readonly enginePorts: readonly number[]; readonly durationMs: number }
  /** The measured window starts now: counters reset (the warm-up is not counted). */
  | { readonly type: 'mark' };

export type ChildMessage = { readonly type: 'ready'; readonly ports: readonly number[] } | { readonly type: 'done'; readonly result: LoadResult };

interface Stream {
  readonly socket: Socket;
  readonly spec: PeerSpec;
  readonly frames: readonly Uint8Array[];
  enginePort: number;
  seq: number;
  ts: number;
  // Receive side.
  lastSeq: number;
  minTransit: number;
  received: number;
  lost: number;
  late: number;
}

/** One second of the peer's audio, encoded, as ready-to-send RTP packets (header rewritten per send). */
function encodeLoop(spec: PeerSpec, ssrc: number): Uint8Array[] {
  const descriptor = findCodec(spec.codec.name);
  const encoder = descriptor?.createEncoder?.({ fmtp: {}, ptime: FRAME_MS });
  if (encoder === undefined) throw new Error(`no encoder for ${spec.codec.name}`);
  const samples = (spec.codec.sampleRate * FRAME_MS) / 1000;
  const pcm = new Int16Array(samples);
  const out = new Uint8Array(4 * samples + 64);
  const amplitude = spec.tone === null ? 0 : 32768 * 10 ** (spec.tone.dbfs / 20);
  const step = spec.tone === null ? 0 : (2 * Math.PI * spec.tone.frequency) / spec.codec.sampleRate;
  const frames: Uint8Array[] = [];
  for (let k = 0; k < LOOP_FRAMES; k++) {
    for (let i = 0; i < samples; i++) pcm[i] = Math.round(amplitude * Math.sin(step * (k * samples + i)));
    const bytes = encoder.encode(pcm, out);
    const packet = new Uint8Array(12 + bytes);
    packet[0] = 0x80;
    packet[1] = spec.codec.payloadType;
    new DataView(packet.buffer).setUint32(8, ssrc);
    packet.set(out.subarray(0, bytes), 12);
    frames.push(packet);
  }
  encoder.close?.();
  return frames;
}

async function setup(peers: readonly PeerSpec[]): Promise<Stream[]> {
  return Promise.all(
    peers.map(async (spec, index) => {
      const socket = createSocket('udp4');
      await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
      const stream: Stream = {
        socket,
        spec,
        frames: encodeLoop(spec, 0x10000 + index),
        enginePort: 0,
        seq: index * 1000,
        ts: index * 100000,
        lastSeq: -1,
        minTransit: Infinity,
        received: 0,
        lost: 0,
        late: 0,
      };
      socket.on('message', (data) => receive(stream, data));
      return stream;
    }),
  );
}

function receive(stream: Stream, data: Buffer): void {
  if (data.length < 12 || (data[1] ?? 0) >= 192) return; // RTCP
  const seq = data.readUInt16BE(2);
  const ts = data.readUInt32BE(4);
  stream.received++;
  if (stream.lastSeq >= 0) {
    const gap = (seq - stream.lastSeq) & 0xffff;
    if (gap > 1 && gap < 0x8000) stream.lost += gap - 1;
  }
  stream.lastSeq = seq;
  const transit = performance.now() - (ts * 1000) / stream.spec.codec.clockRate;
  if (transit < stream.minTransit) stream.minTransit = transit;
  else if (transit - stream.minTransit > LATE_MS) stream.late++;
}

const window = { sent: 0, skips: 0 };

function mark(streams: readonly Stream[]): void {
  window.sent = 0;
  window.skips = 0;
  for (const s of streams) {
    s.received = 0;
    s.lost = 0;
    s.late = 0;
  }
}

function run(streams: Stream[], durationMs: number): Promise<LoadResult> {
  return new Promise((resolve) => {
    const start = performance.now();
    let tick = 0;
    const fire = (): void => {
      const now = performance.now();
      const due = Math.floor((now - start) / FRAME_MS);
      if (due > tick + 1) window.skips += due - tick - 1;
      tick = Math.max(tick, due);
      for (const s of streams) {
        const packet = s.frames[tick % LOOP_FRAMES] as Uint8Array;
        const view = new DataView(packet.buffer, packet.byteOffset);
        view.setUint16(2, s.seq & 0xffff);
        view.setUint32(4, s.ts >>> 0);
        s.seq++;
        s.ts += (s.spec.codec.clockRate * FRAME_MS) / 1000;
        s.socket.send(packet, s.enginePort, '127.0.0.1');
        window.sent++;
      }
      tick++;
      if (tick * FRAME_MS >= durationMs) {
        // Let the last packets come back before counting.
        setTimeout(() => resolve(summary(streams, window.sent, window.skips)), 200);
        return;
      }
      setTimeout(fire, Math.max(0, start + tick * FRAME_MS - performance.now()));
    };
    fire();
  });
}

function summary(streams: Stream[], sent: number, senderSkips: number): LoadResult {
  let received = 0;
  let lost = 0;
  let late = 0;
  for (const s of streams) {
    received += s.received;
    lost += s.lost;
    late += s.late;
  }
  return { sent, received, lost, late, senderSkips };
}

let streams: Stream[] = [];
process.on('message', (message: ParentMessage) => {
  const reply = (m: ChildMessage): void => {
    process.send?.(m);
  };
  if (message.type === 'setup') {
    void setup(message.peers).then((s) => {
      streams = s;
      reply({ type: 'ready', ports: s.map((x) => (x.socket.address() as { port: number }).port) });
    });
  } else if (message.type === 'mark') {
    mark(streams);
  } else {
    message.enginePorts.forEach((port, i) => {
      const s = streams[i];
      if (s !== undefined) s.enginePort = port;
    });
    void run(streams, message.durationMs).then((result) => {
      reply({ type: 'done', result });
      for (const s of streams) s.socket.close();
      process.disconnect?.();
    });
  }
});
