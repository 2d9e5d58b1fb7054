/**
 * The test client's connection to one SIP server: a UDP socket on
 * 127.0.0.1:0, or one TCP connection framed by Content-Length. Everything is
 * sent to the server's address (the client only ever talks to one server,
 * and answers the server's requests the same way).
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, type Socket as TcpSocket } from 'node:net';
import { once } from 'node:events';
import { SipMessage } from './message.js';
import { SipTestClientError } from './errors.js';

export type SipTestTransport = 'udp' | 'tcp';

export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

export interface SipConnection {
  readonly kind: SipTestTransport;
  readonly local: Endpoint;
  /** Messages that could not be parsed as SIP (counted, otherwise ignored). */
  readonly malformed: number;
  send(data: string | Uint8Array): void;
  onMessage(listener: (message: SipMessage) => void): void;
  close(): Promise<void>;
}

abstract class BaseConnection {
  malformed = 0;
  private readonly listeners: ((message: SipMessage) => void)[] = [];

  onMessage(listener: (message: SipMessage) => void): void {
    this.listeners.push(listener);
  }

  protected deliver(text: string): void {
    const message = SipMessage.parse(text);
    if (message === null) {
      this.malformed++;
      return;
    }
    for (const listener of this.listeners) listener(message);
  }
}

class UdpConnection extends BaseConnection implements SipConnection {
  readonly kind = 'udp';
  private closed = false;

  constructor(
    private readonly socket: UdpSocket,
    private readonly server: Endpoint,
    readonly local: Endpoint,
  ) {
    super();
    socket.on('message', (data) => {
      const text = data.toString('utf8');
      // Bare CRLF keep-alives are not messages.
      if (text.trim().length > 0) this.deliver(text);
    });
  }

  send(data: string | Uint8Array): void {
    if (this.closed) return;
    this.socket.send(typeof data === 'string' ? Buffer.from(data) : data, this.server.port, this.server.host);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }
}

class TcpConnection extends BaseConnection implements SipConnection {
  readonly kind = 'tcp';
  private buffer = Buffer.alloc(0);
  private closed = false;

  constructor(
    private readonly socket: TcpSocket,
    readonly local: Endpoint,
  ) {
    super();
    socket.on('data', (chunk) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.drain();
    });
    // A server that resets the connection must not crash the test process.
    socket.on('error', () => undefined);
  }

  /** Cuts complete messages (head + Content-Length bytes of body) off the stream. */
  private drain(): void {
    for (;;) {
      while (this.buffer.length >= 2 && this.buffer[0] === 0x0d && this.buffer[1] === 0x0a) {
        this.buffer = this.buffer.subarray(2);
      }
      const headEnd = this.buffer.indexOf('\r\n\r\n');
      if (headEnd < 0) return;
      const head = this.buffer.subarray(0, headEnd).toString('utf8');
      const lengthMatch = /^(?:content-length|l)[ \t]*:[ \t]*(\d+)/im.exec(head);
      const bodyLength = lengthMatch ? Number(lengthMatch[1]) : 0;
      const total = headEnd + 4 + bodyLength;
      if (this.buffer.length < total) return;
      const text = this.buffer.subarray(0, total).toString('utf8');
      this.buffer = this.buffer.subarray(total);
      this.deliver(text);
    }
  }

  send(data: string | Uint8Array): void {
    if (this.closed || this.socket.destroyed) return;
    this.socket.write(data);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.socket.destroyed) return;
    const closed = once(this.socket, 'close');
    this.socket.destroy();
    await closed;
  }
}

export async function openConnection(kind: SipTestTransport, server: Endpoint, host = '127.0.0.1'): Promise<SipConnection> {
  if (kind === 'udp') {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    socket.on('error', () => undefined); // ICMP port unreachable etc.: retransmission or timeouts report it
    return new UdpConnection(socket, server, { host, port: socket.address().port });
  }
  const socket = connect({ host: server.host, port: server.port, localAddress: host });
  try {
    await Promise.race([
      once(socket, 'connect'),
      once(socket, 'error').then(([error]: unknown[]) => {
        throw error;
      }),
    ]);
  } catch (error) {
    socket.destroy();
    throw new SipTestClientError('TRANSPORT', `TCP connect to ${server.host}:${server.port} failed`, { cause: error });
  }
  return new TcpConnection(socket, { host, port: socket.localPort ?? 0 });
}
