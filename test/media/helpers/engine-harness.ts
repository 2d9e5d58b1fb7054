/**
 * Shared set-up for the engine integration tests: an InProcessEngine on a
 * ManualClock with its own port range, a peer UDP socket that plays the far
 * end, and small awaitable helpers (no sleeps: every wait is on an event or
 * on a condition re-checked each event-loop turn).
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { RtpPacket } from 'rtp.js/packets';
import { defaultConfig, type Config } from '../../../config/index.js';
import { findCodec } from '../../../codecs/index.js';
import { InProcessEngine, ManualClock, type EngineEvent, type LegParams, type LegStats } from '../../../media/index.js';

export interface Teardown {
  teardown(fn: () => unknown): void;
}

export interface Harness {
  readonly engine: InProcessEngine;
  readonly clock: ManualClock;
  readonly events: EngineEvent[];
  readonly logLines: string[];
  /** Resolves with the first event (already seen or future) matching `match`. */
  event<T extends EngineEvent['type']>(type: T): Promise<Extract<EngineEvent, { type: T }>>;
  stats(legId: string): Promise<LegStats>;
  /** Re-reads the leg's stats every event-loop turn until `ready` holds. */
  until(legId: string, ready: (stats: LegStats) => boolean): Promise<LegStats>;
}

export function harness(t: Teardown, ports: string, rtp: Partial<Config['rtp']> = {}, codecs?: Config['codecs']): Harness {
  const clock = new ManualClock();
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(chunk.toString());
      done();
    },
  });
  const engine = new InProcessEngine({
    rtp: { ...defaultConfig().rtp, ports, bindAddress: '127.0.0.1', ...rtp },
    logger: pino({ level: 'warn' }, sink),
    ...(codecs !== undefined ? { codecs } : {}),
    clock,
    portReuseDelayMs: 0,
  });
  const events: EngineEvent[] = [];
  const waiters: (() => void)[] = [];
  engine.onEvent((event) => {
    events.push(event);
    for (const wake of waiters.splice(0)) wake();
  });
  t.teardown(() => engine.request('engine.close', {}));
  const stats = (legId: string): Promise<LegStats> => engine.request('leg.stats', { legId });
  return {
    engine,
    clock,
    events,
    logLines,
    stats,
    event<T extends EngineEvent['type']>(type: T): Promise<Extract<EngineEvent, { type: T }>> {
      return new Promise((resolve) => {
        const check = (): void => {
          const found = events.find((e): e is Extract<EngineEvent, { type: T }> => e.type === type);
          if (found !== undefined) resolve(found);
          else waiters.push(check);
        };
        check();
      });
    },
    async until(legId, ready) {
      for (;;) {
        const current = await stats(legId);
        if (ready(current)) return current;
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
  };
}

/** A far-end UDP socket on 127.0.0.1 that records what it receives. */
export interface Peer {
  readonly socket: Socket;
  readonly port: number;
  readonly received: { data: Buffer; from: RemoteInfo }[];
  send(data: Uint8Array, port: number): void;
  /** Resolves once `count` datagrams have arrived in total. */
  receivedCount(count: number): Promise<void>;
  /**
   * Resolves once everything sent to this peer so far has arrived: `via`
   * sends it a one-byte marker, queued behind them (sends are synchronous
   * on loopback), and the marker is removed again.
   */
  drain(via: Peer): Promise<void>;
}

export async function peer(t: Teardown): Promise<Peer> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  t.teardown(() => socket.close());
  const received: { data: Buffer; from: RemoteInfo }[] = [];
  const waiters: (() => void)[] = [];
  socket.on('message', (data, from) => {
    received.push({ data, from });
    for (const wake of waiters.splice(0)) wake();
  });
  const receivedCount = (count: number): Promise<void> =>
    new Promise((resolve) => {
      const check = (): void => {
        if (received.length >= count) resolve();
        else waiters.push(check);
      };
      check();
    });
  const port = socket.address().port;
  return {
    socket,
    port,
    received,
    receivedCount,
    async drain(via) {
      const marker = received.length;
      via.send(Uint8Array.of(0xff), port);
      for (;;) {
        await receivedCount(received.length + 1);
        const index = received.findIndex((r, i) => i >= marker && r.data.length === 1 && r.data[0] === 0xff);
        if (index >= 0) {
          received.splice(index, 1);
          return;
        }
      }
    },
    send: (data, to) => socket.send(data, to, '127.0.0.1'),
  };
}

export function pcmuParams(remotePort: number, overrides: Partial<LegParams> = {}): LegParams {
  return {
    remote: { address: '127.0.0.1', rtpPort: remotePort, rtcpPort: remotePort + 1 },
    rtcpMux: false,
    codec: { name: 'PCMU', payloadType: 0, clockRate: 8000, channels: 1, fmtp: {} },
    telephoneEvent: null,
    ptime: 20,
    direction: 'sendrecv',
    ...overrides,
  };
}

/** `count` 20 ms frames of a 1 kHz tone, PCMU-encoded with the real codec. */
export function pcmuTone(count: number, amplitude = 8000): Uint8Array[] {
  const codec = findCodec('PCMU');
  const encoder = codec?.createEncoder?.({ fmtp: {}, ptime: 20 });
  if (encoder === undefined) throw new Error('PCMU encoder missing from the codec registry');
  const frames: Uint8Array[] = [];
  for (let k = 0; k < count; k++) {
    const pcm = new Int16Array(160);
    for (let i = 0; i < 160; i++) pcm[i] = Math.round(amplitude * Math.sin((2 * Math.PI * 1000 * (k * 160 + i)) / 8000));
    const out = new Uint8Array(160);
    encoder.encode(pcm, out);
    frames.push(out);
  }
  return frames;
}

export interface ParsedRtp {
  readonly pt: number;
  readonly seq: number;
  readonly ts: number;
  readonly ssrc: number;
  readonly marker: boolean;
  readonly payload: Uint8Array;
}

export function parseRtp(datagram: Uint8Array): ParsedRtp {
  const packet = new RtpPacket(new DataView(datagram.buffer, datagram.byteOffset, datagram.byteLength));
  const payload = packet.getPayload();
  return {
    pt: packet.getPayloadType(),
    seq: packet.getSequenceNumber(),
    ts: packet.getTimestamp(),
    ssrc: packet.getSsrc(),
    marker: packet.getMarker(),
    payload: new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength),
  };
}

/** RTP (not RTCP) datagrams among what a peer received, parsed. */
export function rtpOnly(received: readonly { data: Buffer }[]): ParsedRtp[] {
  return received.filter((r) => r.data.length >= 12 && ((r.data[1] ?? 0) < 192 || (r.data[1] ?? 0) > 223)).map((r) => parseRtp(r.data));
}
