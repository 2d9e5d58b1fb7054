/**
 * RTP/RTCP port pairs from `rtp.ports`: RTP on an even port, RTCP on the next
 * odd one, both UDP sockets bound on `rtp.bindAddress`. Pairs are handed out
 * round-robin from a cursor; a port some other process holds (EADDRINUSE) is
 * skipped; a released pair cools down briefly before it is reused, so stray
 * packets of the call that just ended do not reach the next one.
 */
import { createSocket, type Socket } from 'node:dgram';
import { lookup as dnsLookup, type LookupOneOptions } from 'node:dns';
import { isIP, isIPv6 } from 'node:net';
import { parsePortRange } from '../config/index.js';
import { MediaError } from './errors.js';

/** How long a released pair waits before it can be handed out again. */
export const DEFAULT_REUSE_DELAY_MS = 2000;

export interface PortPair {
  readonly rtpPort: number;
  readonly rtcpPort: number;
  readonly rtp: Socket;
  readonly rtcp: Socket;
}

export interface PortPoolOptions {
  /** "LOW-HIGH", as validated by the config schema. */
  readonly ports: string;
  readonly bindAddress: string;
  readonly reuseDelayMs?: number;
  /** Monotonic ms, for the reuse delay (the engine passes its media clock). */
  readonly now?: () => number;
}

type BindResult = { readonly ok: true; readonly socket: Socket } | { readonly ok: false; readonly error: NodeJS.ErrnoException };

export class PortPool {
  readonly #bindAddress: string;
  readonly #reuseDelayMs: number;
  readonly #now: () => number;
  /** Even RTP ports of every pair the range can hold. */
  readonly #firstPort: number;
  readonly #pairCount: number;
  #cursor = 0;
  readonly #inUse = new Set<number>();
  /** RTP port → time it may be reused. */
  readonly #coolingUntil = new Map<number, number>();

  constructor(options: PortPoolOptions) {
    const { low, high } = parsePortRange(options.ports);
    this.#firstPort = low % 2 === 0 ? low : low + 1;
    this.#pairCount = Math.max(0, Math.floor((high - this.#firstPort + 1) / 2));
    this.#bindAddress = options.bindAddress;
    this.#reuseDelayMs = options.reuseDelayMs ?? DEFAULT_REUSE_DELAY_MS;
    this.#now = options.now ?? (() => performance.now());
  }

  /** Pairs currently handed out. */
  get inUse(): number {
    return this.#inUse.size;
  }

  get capacity(): number {
    return this.#pairCount;
  }

  /** Binds the next free pair; rejects with ERR_NO_PORTS when every pair is taken or cooling. */
  async allocate(): Promise<PortPair> {
    for (let tried = 0; tried < this.#pairCount; tried++) {
      const rtpPort = this.#firstPort + 2 * this.#cursor;
      this.#cursor = (this.#cursor + 1) % this.#pairCount;
      if (!this.#available(rtpPort)) continue;
      // Reserve before the awaits so a concurrent allocate cannot pick the same pair.
      this.#inUse.add(rtpPort);
      const pair = await this.#bindPair(rtpPort).catch((error: unknown) => {
        this.#inUse.delete(rtpPort);
        throw error;
      });
      if (pair !== null) return pair;
      this.#inUse.delete(rtpPort);
    }
    throw new MediaError(
      'ERR_NO_PORTS',
      `no free RTP port pair in rtp.ports (${this.#pairCount} pairs, ${this.#inUse.size} in use, others busy or cooling down); widen rtp.ports`,
    );
  }

  /** Closes both sockets and starts the pair's reuse delay. Safe to call twice. */
  async release(pair: PortPair): Promise<void> {
    if (!this.#inUse.delete(pair.rtpPort)) return;
    this.#coolingUntil.set(pair.rtpPort, this.#now() + this.#reuseDelayMs);
    await Promise.all([closeSocket(pair.rtp), closeSocket(pair.rtcp)]);
  }

  #available(rtpPort: number): boolean {
    if (this.#inUse.has(rtpPort)) return false;
    const until = this.#coolingUntil.get(rtpPort);
    if (until === undefined) return true;
    if (this.#now() < until) return false;
    this.#coolingUntil.delete(rtpPort);
    return true;
  }

  /** Binds RTP then RTCP; null when either port is taken by someone else. */
  async #bindPair(rtpPort: number): Promise<PortPair | null> {
    const rtp = await this.#bind(rtpPort);
    if (!rtp.ok) return skipOrThrow(rtp.error, rtpPort);
    const rtcp = await this.#bind(rtpPort + 1);
    if (!rtcp.ok) {
      await closeSocket(rtp.socket);
      return skipOrThrow(rtcp.error, rtpPort + 1);
    }
    return { rtpPort, rtcpPort: rtpPort + 1, rtp: rtp.socket, rtcp: rtcp.socket };
  }

  #bind(port: number): Promise<BindResult> {
    const socket = createSocket({ type: isIPv6(this.#bindAddress) ? 'udp6' : 'udp4', lookup: literalLookup });
    return new Promise((resolve) => {
      const onError = (error: NodeJS.ErrnoException): void => {
        void closeSocket(socket);
        resolve({ ok: false, error });
      };
      socket.once('error', onError);
      socket.bind(port, this.#bindAddress, () => {
        socket.off('error', onError);
        resolve({ ok: true, socket });
      });
    });
  }
}

/**
 * dgram resolves every destination through a lookup function, and the default
 * (dns.lookup) answers even an IP literal on a later tick, so each send would
 * wait a tick and the packetizer could not know when its buffer is free. IP
 * literals, all the media path ever sends to, are answered synchronously: the
 * send then happens inside `socket.send` unless the kernel queue is full.
 */
function literalLookup(
  hostname: string,
  options: LookupOneOptions,
  callback: (error: NodeJS.ErrnoException | null, address: string, family: number) => void,
): void {
  const family = isIP(hostname);
  if (family !== 0) callback(null, hostname, family);
  else dnsLookup(hostname, options, callback);
}

function skipOrThrow(error: NodeJS.ErrnoException, port: number): null {
  if (error.code === 'EADDRINUSE') return null;
  throw new MediaError('ERR_BIND', `cannot bind UDP port ${port}: ${error.message}; check rtp.bindAddress`, { cause: error });
}

function closeSocket(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      // Already closed (ERR_SOCKET_DGRAM_NOT_RUNNING): nothing left to release.
      resolve();
    }
  });
}
