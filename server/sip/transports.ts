/**
 * Opens the configured SIP listeners and routes sends to the right one. UDP
 * and TCP share one host:port: with both asked for and port 0, UDP binds
 * first and TCP takes the same port (tried again if that port is taken for
 * TCP). WebSocket listens on its own host:port.
 */
import type { HostPort } from '../../config/index.js';
import type { SipTransportName } from '../signaling/backend.js';
import { TcpTransport, type TcpHandlers } from './transport-tcp.js';
import type { TransportErrorTally } from './transport-errors.js';
import type { Destination, TransportSender } from './transport.js';
import { UdpTransport } from './transport-udp.js';
import { WsTransport } from './transport-ws.js';

export interface TransportOptions {
  readonly host: string;
  readonly port: number;
  readonly transports: readonly SipTransportName[];
  readonly maxMessageBytes: number;
  /** Where the WebSocket listener binds (used when `transports` has 'ws'). */
  readonly ws?: { readonly host: string; readonly port: number };
}

export type TransportEvents = TcpHandlers;

const SHARED_PORT_ATTEMPTS = 20;

function isAddressInUse(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'EADDRINUSE';
}

interface Listeners {
  readonly udp: UdpTransport | null;
  readonly tcp: TcpTransport | null;
  readonly ws: WsTransport | null;
}

export class SipTransports implements TransportSender {
  #closed = false;

  private constructor(private readonly listeners: Listeners) {}

  static async open(options: TransportOptions, events: TransportEvents, errors: TransportErrorTally): Promise<SipTransports> {
    const shared = await SipTransports.#openShared(options, events, errors);
    if (!options.transports.includes('ws')) return new SipTransports({ ...shared, ws: null });
    try {
      const where = options.ws ?? { host: options.host, port: 0 };
      const ws = await WsTransport.open(where.host, where.port, options.maxMessageBytes, events.onMessage, errors);
      return new SipTransports({ ...shared, ws });
    } catch (error) {
      await Promise.all([shared.udp?.close(), shared.tcp?.close()]);
      throw error;
    }
  }

  static async #openShared(options: TransportOptions, events: TransportEvents, errors: TransportErrorTally): Promise<Omit<Listeners, 'ws'>> {
    const wantUdp = options.transports.includes('udp');
    const wantTcp = options.transports.includes('tcp');
    const attempts = wantUdp && wantTcp && options.port === 0 ? SHARED_PORT_ATTEMPTS : 1;
    for (let attempt = 1; ; attempt++) {
      const udp = wantUdp ? await UdpTransport.open(options.host, options.port, events.onMessage, errors) : null;
      try {
        const tcpPort = udp?.bound.port ?? options.port;
        const tcp = wantTcp ? await TcpTransport.open(options.host, tcpPort, events, options.maxMessageBytes, errors) : null;
        return { udp, tcp };
      } catch (error) {
        await udp?.close();
        if (!isAddressInUse(error) || attempt >= attempts) throw error;
      }
    }
  }

  get bound(): Readonly<Partial<Record<SipTransportName, HostPort>>> {
    const bound: Partial<Record<SipTransportName, HostPort>> = {};
    for (const name of ['udp', 'tcp', 'ws'] as const) {
      const listener = this.listeners[name];
      if (listener) bound[name] = listener.bound;
    }
    return bound;
  }

  /** Port of a transport's listener, or null when it is not open. */
  port(transport: SipTransportName): number | null {
    return this.listeners[transport]?.bound.port ?? null;
  }

  get tcpConnections(): number {
    return this.listeners.tcp?.connectionCount ?? 0;
  }

  get wsConnections(): number {
    return this.listeners.ws?.connectionCount ?? 0;
  }

  send(data: Buffer, destination: Destination, onError?: () => void): boolean {
    if (this.#closed) return false;
    const { udp, tcp, ws } = this.listeners;
    switch (destination.transport) {
      case 'udp':
        if (udp === null) return false;
        udp.send(data, destination.address, destination.port);
        return true;
      case 'tcp':
        return tcp?.send(data, destination.address, destination.port, destination.connection, onError) ?? false;
      case 'ws':
        return ws?.send(data, destination.address, destination.port, destination.connection) ?? false;
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const { udp, tcp, ws } = this.listeners;
    await Promise.all([udp?.close(), tcp?.close(), ws?.close()]);
  }
}
