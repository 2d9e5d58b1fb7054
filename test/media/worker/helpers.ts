/**
 * Set-up for the worker-engine tests: a WorkerEngine on its own port range,
 * event waiters (no sleeps), and a UDP peer that plays the far end of a leg
 * (sends PCMU frames every 20 ms, counts what comes back).
 */
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { pino } from 'pino';
import { defaultConfig } from '../../../config/index.js';
import type { EngineEvent, LegParams } from '../../../media/index.js';
import { WorkerEngine } from '../../../media/worker/index.js';

export interface Teardown {
  teardown(fn: () => unknown): void;
}

export interface WorkerHarness {
  readonly engine: WorkerEngine;
  readonly events: EngineEvent[];
  /** The first event matching `type` and `match`, already seen or future. */
  event<T extends EngineEvent['type']>(type: T, match?: (event: Extract<EngineEvent, { type: T }>) => boolean): Promise<Extract<EngineEvent, { type: T }>>;
}

export async function startWorkers(t: Teardown, ports: string, workers: number, allowCrashForTest = false): Promise<WorkerHarness> {
  const engine = await WorkerEngine.start({
    rtp: { ...defaultConfig().rtp, ports, bindAddress: '127.0.0.1' },
    logger: pino({ level: 'silent' }),
    workers,
    portReuseDelayMs: 0,
    allowCrashForTest,
  });
  t.teardown(() => engine.close());
  const events: EngineEvent[] = [];
  const waiters: (() => void)[] = [];
  engine.onEvent((event) => {
    events.push(event);
    for (const wake of waiters.splice(0)) wake();
  });
  return {
    engine,
    events,
    event<T extends EngineEvent['type']>(type: T, match: (event: Extract<EngineEvent, { type: T }>) => boolean = () => true) {
      return new Promise<Extract<EngineEvent, { type: T }>>((resolve) => {
        const check = (): void => {
          const found = events.find((e): e is Extract<EngineEvent, { type: T }> => e.type === type && match(e as Extract<EngineEvent, { type: T }>));
          if (found !== undefined) resolve(found);
          else waiters.push(check);
        };
        check();
      });
    },
  };
}

export function pcmuParams(remotePort: number): LegParams {
  return {
    remote: { address: '127.0.0.1', rtpPort: remotePort, rtcpPort: remotePort + 1 },
    rtcpMux: false,
    codec: { name: 'PCMU', payloadType: 0, clockRate: 8000, channels: 1, fmtp: {} },
    telephoneEvent: null,
    ptime: 20,
    direction: 'sendrecv',
  };
}

/** The far end of one leg: sends a PCMU tone-ish payload every 20 ms, counts RTP received. */
export class RtpPeer {
  readonly socket: Socket;
  received = 0;
  #seq = 0;
  #timer: NodeJS.Timeout | null = null;
  readonly #waiters: (() => void)[] = [];

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('message', (message: Buffer) => {
      if (message.length >= 12 && (message[0] ?? 0) >> 6 === 2 && ((message[1] ?? 0) & 0x7f) === 0) this.received++;
      for (const wake of this.#waiters.splice(0)) wake();
    });
  }

  static async open(t: Teardown): Promise<RtpPeer> {
    const socket = createSocket('udp4');
    socket.bind(0, '127.0.0.1');
    await once(socket, 'listening');
    const peer = new RtpPeer(socket);
    t.teardown(() => peer.close());
    return peer;
  }

  get port(): number {
    return this.socket.address().port;
  }

  /** Starts sending to `rtpPort` every 20 ms (packet pacing only; nothing is asserted on timing). */
  start(rtpPort: number): void {
    const packet = Buffer.alloc(12 + 160);
    packet[0] = 0x80;
    packet.writeUInt32BE(0x1234abcd, 8);
    for (let i = 12; i < packet.length; i++) packet[i] = (i * 37) & 0xff;
    this.#timer = setInterval(() => {
      this.#seq = (this.#seq + 1) & 0xffff;
      packet.writeUInt16BE(this.#seq, 2);
      packet.writeUInt32BE((this.#seq * 160) >>> 0, 4);
      this.socket.send(packet, rtpPort, '127.0.0.1');
    }, 20);
  }

  /** Resolves once `count` more RTP packets arrived. */
  async receiveMore(count: number): Promise<void> {
    const target = this.received + count;
    while (this.received < target) await new Promise<void>((resolve) => this.#waiters.push(resolve));
  }

  close(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    try {
      this.socket.close();
    } catch {
      // already closed
    }
  }
}
