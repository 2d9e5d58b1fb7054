/**
 * Opens the configured SIP listeners on one host:port and routes sends to
 * the right one. With UDP and TCP both asked for and port 0, UDP binds first
 * and TCP takes the same port; if that port is taken for TCP we try again.
 */
import type { HostPort } from '../../config/index.js';
import type { SipTransportName } from '../signaling/backend.js';
import { TcpTransport, type TcpHandlers } from './transport-tcp.js';
import type { TransportErrorTally } from './transport-errors.js';
import type { Destination, TransportSender } from './transport.js';
import { UdpTransport } from './transport-udp.js';

export interface TransportOptions {
  readonly host: string;
  readonly port: number;
  readonly transports: readonly SipTransportName[];
  readonly maxMessageBytes: number;
}

export type TransportEvents = TcpHandlers;

const SHARED_PORT_ATTEMPTS = 20;

function isAddressInUse(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'EADDRINUSE';
}

export class SipTransports implements TransportSender {
  #closed = false;

  private constructor(
    private readonly udp: UdpTransport | null,
    private readonly tcp: TcpTransport | null,
  ) {}

  static async open(options: TransportOptions, events: TransportEvents, errors: TransportErrorTally): Promise<SipTransports> {
    const wantUdp = options.transports.includes('udp');
    const wantTcp = options.transports.includes('tcp');
    const attempts = wantUdp && wantTcp && options.port === 0 ? SHARED_PORT_ATTEMPTS : 1;
    for (let attempt = 1; ; attempt++) {
      const udp = wantUdp ? await UdpTransport.open(options.host, options.port, events.onMessage, errors) : null;
      try {
        const tcpPort = udp?.bound.port ?? options.port;
        const tcp = wantTcp ? await TcpTransport.open(options.host, tcpPort, events, options.maxMessageBytes, errors) : null;
        return new SipTransports(udp, tcp);
      } catch (error) {
        await udp?.close();
        if (!isAddressInUse(error) || attempt >= attempts) throw error;
      }
    }
  }

  get bound(): Readonly<Partial<Record<SipTransportName, HostPort>>> {
    const bound: Partial<Record<SipTransportName, HostPort>> = {};
    if (this.udp) bound.udp = this.udp.bound;
    if (this.tcp) bound.tcp = this.tcp.bound;
    return bound;
  }

  /** Port of a transport's listener, or null when it is not open. */
  port(transport: SipTransportName): number | null {
    const listener = transport === 'udp' ? this.udp : this.tcp;
    return listener?.bound.port ?? null;
  }

  get tcpConnections(): number {
    return this.tcp?.connectionCount ?? 0;
  }

  send(data: Buffer, destination: Destination): boolean {
    if (this.#closed) return false;
    if (destination.transport === 'udp') {
      if (this.udp === null) return false;
      this.udp.send(data, destination.address, destination.port);
      return true;
    }
    if (this.tcp === null) return false;
    this.tcp.send(data, destination.address, destination.port, destination.connection);
    return true;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([this.udp?.close(), this.tcp?.close()]);
  }
}
