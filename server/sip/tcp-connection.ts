/**
 * One SIP-over-TCP connection, accepted or opened by us: frames the stream,
 * hands messages up with their `Flow`, answers keep-alive pings, and closes
 * itself after a framing error or when idle.
 */
import type { Socket } from 'node:net';
import type { Flow, StreamConnection } from './transport.js';
import { SipStreamFramer } from './tcp-framer.js';
import type { TransportErrorTally } from './transport-errors.js';

/** Connections with no traffic for this long are closed (softphones send keep-alives well within it). */
export const TCP_IDLE_MS = 10 * 60 * 1000;
const PONG = Buffer.from('\r\n');

export interface StreamHandlers {
  onMessage(data: Buffer, flow: Flow): void;
  /** The stream broke framing or limits; `head` is the header section when there was one. */
  onStreamError(head: Buffer | null, flow: Flow, reason: string, status: number): void;
  onClosed(connection: TcpConnection): void;
}

let nextConnectionId = 1;

export class TcpConnection implements StreamConnection {
  readonly id = nextConnectionId++;
  #closed = false;
  readonly #framer: SipStreamFramer;
  #flow: Flow;
  /** Accepted sockets are connected from the start; ours once 'connect' fires. */
  #connected: boolean;
  /** Told if an outbound connection closes before it ever connected. */
  #onConnectFailed: Array<() => void> = [];
  /** "address:port" of the peer as first known, the key for connection reuse. */
  readonly remoteKey: string;

  constructor(
    private readonly socket: Socket,
    maxMessageBytes: number,
    private readonly handlers: StreamHandlers,
    private readonly errors: TransportErrorTally,
    /** Address/port used as the reuse key when the peer's own address is not known yet (outbound). */
    remote?: { address: string; port: number },
  ) {
    this.#framer = new SipStreamFramer(maxMessageBytes);
    this.#connected = remote === undefined;
    this.#flow = this.#makeFlow(remote);
    this.remoteKey = `${this.#flow.remoteAddress}:${this.#flow.remotePort}`;
    socket.setNoDelay(true);
    socket.setTimeout(TCP_IDLE_MS, () => socket.destroy());
    socket.on('connect', () => {
      this.#connected = true;
      this.#onConnectFailed = [];
      this.#flow = this.#makeFlow(remote);
    });
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', (error) => errors.record('tcp-socket', error));
    socket.on('close', () => {
      this.#closed = true;
      const failed = this.#connected ? [] : this.#onConnectFailed;
      this.#onConnectFailed = [];
      handlers.onClosed(this);
      for (const callback of failed) callback();
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  get flow(): Flow {
    return this.#flow;
  }


  /** Calls `callback` if this (outbound, still connecting) connection fails to connect. */
  whenConnectFails(callback: () => void): void {
    if (!this.#connected && !this.#closed) this.#onConnectFailed.push(callback);
  }

  write(data: Buffer): boolean {
    if (this.#closed || this.socket.destroyed) return false;
    this.socket.write(data);
    return true;
  }

  /** Closes gracefully (pending writes, e.g. a 400, are flushed first). */
  end(): void {
    this.#closed = true;
    this.socket.end();
  }

  destroy(): void {
    this.#closed = true;
    this.socket.destroy();
  }

  #makeFlow(remote?: { address: string; port: number }): Flow {
    return {
      transport: 'tcp',
      remoteAddress: this.socket.remoteAddress ?? remote?.address ?? '',
      remotePort: this.socket.remotePort ?? remote?.port ?? 0,
      localAddress: this.socket.localAddress ?? '',
      localPort: this.socket.localPort ?? 0,
      connection: this,
    };
  }

  #onData(chunk: Buffer): void {
    if (this.#closed) return;
    this.#framer.push(chunk);
    for (let frame = this.#framer.next(); frame !== null && !this.#closed; frame = this.#framer.next()) {
      if (frame.kind === 'message') {
        this.handlers.onMessage(frame.data, this.#flow);
      } else if (frame.kind === 'ping') {
        this.write(PONG);
      } else {
        this.handlers.onStreamError(frame.head, this.#flow, frame.reason, frame.status);
        this.end();
      }
    }
  }
}
