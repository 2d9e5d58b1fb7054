/**
 * SIP over WebSocket (RFC 7118), for browser SIP clients (JsSIP, SIP.js).
 * One WebSocket message carries one SIP message; the handshake must offer
 * the "sip" subprotocol. We only accept connections: a WebSocket peer is
 * reachable only over the connection it opened, so requests to it reuse that
 * connection (kept in a table by remote address:port) or fail at once.
 */
import type { IncomingMessage } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import type { HostPort } from '../../config/index.js';
import type { Flow, StreamConnection } from './transport.js';
import type { TransportErrorTally } from './transport-errors.js';

/** How often we ping; a connection that has not answered the previous ping is closed. */
export const WS_PING_INTERVAL_MS = 30_000;
const SUBPROTOCOL = 'sip';

export type WsMessageHandler = (data: Buffer, flow: Flow) => void;

let nextWsConnectionId = 1;

class WsConnection implements StreamConnection {
  readonly id = nextWsConnectionId++;
  readonly flow: Flow;
  readonly remoteKey: string;
  alive = true;

  constructor(
    private readonly socket: WebSocket,
    request: IncomingMessage,
  ) {
    const raw = request.socket;
    this.flow = {
      transport: 'ws',
      remoteAddress: raw.remoteAddress ?? '',
      remotePort: raw.remotePort ?? 0,
      localAddress: raw.localAddress ?? '',
      localPort: raw.localPort ?? 0,
      connection: this,
    };
    this.remoteKey = `${this.flow.remoteAddress}:${this.flow.remotePort}`;
  }

  get closed(): boolean {
    return this.socket.readyState !== this.socket.OPEN;
  }

  write(data: Buffer): boolean {
    if (this.closed) return false;
    // Text frames: SIP is UTF-8 text and browsers' SIP stacks expect strings.
    this.socket.send(data, { binary: false });
    return true;
  }

  ping(): void {
    this.alive = false;
    this.socket.ping();
  }

  terminate(): void {
    this.socket.terminate();
  }
}

function offersSip(request: IncomingMessage): boolean {
  const header = request.headers['sec-websocket-protocol'];
  if (typeof header !== 'string') return false;
  return header.split(',').some((protocol) => protocol.trim().toLowerCase() === SUBPROTOCOL);
}

export class WsTransport {
  readonly #connections = new Map<string, WsConnection>();
  readonly #pinger: NodeJS.Timeout;
  #closed = false;

  private constructor(
    private readonly server: WebSocketServer,
    readonly bound: HostPort,
    onMessage: WsMessageHandler,
    errors: TransportErrorTally,
  ) {
    server.on('connection', (socket, request) => {
      const connection = new WsConnection(socket, request);
      this.#connections.set(connection.remoteKey, connection);
      socket.on('message', (data, isBinary) => {
        const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
        void isBinary; // RFC 7118 §5: text and binary frames both carry SIP.
        onMessage(bytes, connection.flow);
      });
      socket.on('pong', () => {
        connection.alive = true;
      });
      socket.on('error', (error) => errors.record('ws-socket', error));
      socket.on('close', () => {
        if (this.#connections.get(connection.remoteKey) === connection) this.#connections.delete(connection.remoteKey);
      });
    });
    server.on('error', (error) => errors.record('ws-server', error));
    this.#pinger = setInterval(() => {
      for (const connection of this.#connections.values()) {
        if (!connection.alive) connection.terminate();
        else connection.ping();
      }
    }, WS_PING_INTERVAL_MS);
    this.#pinger.unref();
  }

  static open(host: string, port: number, maxMessageBytes: number, onMessage: WsMessageHandler, errors: TransportErrorTally): Promise<WsTransport> {
    return new Promise((resolve, reject) => {
      const server = new WebSocketServer({
        host,
        port,
        maxPayload: maxMessageBytes,
        perMessageDeflate: false,
        // RFC 7118 §4.1: the client offers "sip"; a handshake without it is refused.
        verifyClient: (info: { req: IncomingMessage }) => offersSip(info.req),
        handleProtocols: (protocols) => (protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
      });
      const onListenError = (error: Error): void => {
        server.close();
        reject(error);
      };
      server.once('error', onListenError);
      server.once('listening', () => {
        server.off('error', onListenError);
        const address = server.address();
        const boundPort = typeof address === 'object' && address !== null ? address.port : port;
        resolve(new WsTransport(server, { host, port: boundPort }, onMessage, errors));
      });
    });
  }

  get connectionCount(): number {
    return this.#connections.size;
  }

  /** Writes on `preferred`, else on the live connection from address:port; false when there is none. */
  send(data: Buffer, address: string, port: number, preferred: StreamConnection | null): boolean {
    if (this.#closed) return false;
    if (preferred !== null && preferred.write(data)) return true;
    return this.#connections.get(`${address}:${port}`)?.write(data) ?? false;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#pinger);
    for (const connection of this.#connections.values()) connection.terminate();
    this.#connections.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
