/**
 * The TCP listener and our connection table. Responses go back on the
 * connection the request came on; requests we originate reuse a live
 * connection to the same address:port, or open a new one.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { HostPort } from '../../config/index.js';
import { TcpConnection, type StreamHandlers } from './tcp-connection.js';
import type { Flow, StreamConnection } from './transport.js';
import type { TransportErrorTally } from './transport-errors.js';

export interface TcpHandlers {
  onMessage(data: Buffer, flow: Flow): void;
  onStreamError(head: Buffer | null, flow: Flow, reason: string, status: number): void;
}

export class TcpTransport {
  readonly #connections = new Map<string, TcpConnection>();
  readonly #all = new Set<TcpConnection>();
  readonly #streamHandlers: StreamHandlers;
  #closed = false;

  private constructor(
    private readonly server: Server,
    readonly bound: HostPort,
    handlers: TcpHandlers,
    private readonly maxMessageBytes: number,
    private readonly errors: TransportErrorTally,
  ) {
    this.#streamHandlers = {
      onMessage: handlers.onMessage,
      onStreamError: handlers.onStreamError,
      onClosed: (connection) => {
        this.#all.delete(connection);
        if (this.#connections.get(connection.remoteKey) === connection) this.#connections.delete(connection.remoteKey);
      },
    };
    server.on('connection', (socket) => this.#adopt(socket));
    server.on('error', (error) => errors.record('tcp-server', error));
  }

  static open(host: string, port: number, handlers: TcpHandlers, maxMessageBytes: number, errors: TransportErrorTally): Promise<TcpTransport> {
    const server = createServer({ noDelay: true });
    return new Promise((resolve, reject) => {
      const onListenError = (error: Error): void => {
        server.close();
        reject(error);
      };
      server.once('error', onListenError);
      server.listen({ host, port, exclusive: true }, () => {
        server.off('error', onListenError);
        const address = server.address();
        const boundPort = typeof address === 'object' && address !== null ? address.port : port;
        resolve(new TcpTransport(server, { host, port: boundPort }, handlers, maxMessageBytes, errors));
      });
    });
  }

  get connectionCount(): number {
    return this.#all.size;
  }

  /**
   * Writes on `preferred` if it is alive, else on a connection to address:port
   * (opened if needed). `onError` hears of a connection that never connects.
   */
  send(data: Buffer, address: string, port: number, preferred: StreamConnection | null, onError?: () => void): boolean {
    if (this.#closed) return false;
    if (preferred !== null && preferred.write(data)) return true;
    const key = `${address}:${port}`;
    const existing = this.#connections.get(key);
    if (existing !== undefined && existing.write(data)) {
      if (onError) existing.whenConnectFails(onError);
      return true;
    }
    const socket = connect({ host: address, port, noDelay: true });
    const connection = this.#adopt(socket, { address, port });
    if (onError) connection.whenConnectFails(onError);
    return connection.write(data);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const connection of this.#all) connection.destroy();
    this.#all.clear();
    this.#connections.clear();
    await closed;
  }

  #adopt(socket: Socket, remote?: { address: string; port: number }): TcpConnection {
    const connection = new TcpConnection(socket, this.maxMessageBytes, this.#streamHandlers, this.errors, remote);
    if (this.#closed) {
      connection.destroy();
      return connection;
    }
    this.#all.add(connection);
    this.#connections.set(connection.remoteKey, connection);
    return connection;
  }
}
