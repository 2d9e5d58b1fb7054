/** The UDP listener: one socket, datagrams in, datagrams out. */
import { createSocket, type Socket } from 'node:dgram';
import type { HostPort } from '../../config/index.js';
import type { Flow } from './transport.js';
import type { TransportErrorTally } from './transport-errors.js';

export type DatagramHandler = (data: Buffer, flow: Flow) => void;

/**
 * Socket buffer size we ask for. The kernel default (~208 KiB) holds about a
 * thousand SIP datagrams: a 100 ms pause of the event loop (GC, a busy core) at
 * a few thousand messages per second overflows it, and every dropped INVITE
 * costs the caller a 500 ms retransmission. Linux caps it at net.core.rmem_max.
 */
export const UDP_BUFFER_BYTES = 4 * 1024 * 1024;

export class UdpTransport {
  #closed = false;
  readonly #onSent: (error: Error | null) => void;

  private constructor(
    private readonly socket: Socket,
    readonly bound: HostPort,
    private readonly errors: TransportErrorTally,
  ) {
    // One callback for every send: no closure per datagram.
    this.#onSent = (error) => {
      if (error) errors.record('udp-send', error);
    };
  }

  static open(host: string, port: number, onDatagram: DatagramHandler, errors: TransportErrorTally): Promise<UdpTransport> {
    const socket = createSocket({ type: host.includes(':') ? 'udp6' : 'udp4' });
    return new Promise((resolve, reject) => {
      const onBindError = (error: Error): void => {
        socket.close();
        reject(error);
      };
      socket.once('error', onBindError);
      socket.bind(port, host, () => {
        socket.off('error', onBindError);
        try {
          socket.setRecvBufferSize(UDP_BUFFER_BYTES);
          socket.setSendBufferSize(UDP_BUFFER_BYTES);
        } catch (error) {
          errors.record('udp-buffer', error); // not fatal: the kernel default stays
        }
        const address = socket.address();
        const transport = new UdpTransport(socket, { host, port: address.port }, errors);
        socket.on('error', (error) => errors.record('udp-socket', error));
        socket.on('message', (data, rinfo) => {
          onDatagram(data, {
            transport: 'udp',
            remoteAddress: rinfo.address,
            remotePort: rinfo.port,
            localAddress: host,
            localPort: address.port,
            connection: null,
          });
        });
        resolve(transport);
      });
    });
  }

  send(data: Buffer, address: string, port: number): void {
    if (this.#closed) return;
    try {
      this.socket.send(data, port, address, this.#onSent);
    } catch (error) {
      // Synchronous throws (bad port, socket closing) are counted like async failures.
      this.errors.record('udp-send', error);
    }
  }

  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}
