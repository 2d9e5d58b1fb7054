/**
 * An impairment harness: a UDP proxy on loopback between a test peer and a
 * server's RTP port that delays (constant + jitter), loses (Bernoulli or
 * Gilbert–Elliott bursts), reorders and duplicates datagrams, in both
 * directions, from a seeded PRNG so a run is repeatable.
 *
 *   peer ──► peerSide ─[toServer]─► server        (peer sends to `peerSide`)
 *   peer ◄─[toPeer]─ serverSide ◄── server        (the SDP offer names `serverSide`)
 *
 * The server sees every packet come from `serverSide`, the address it was
 * offered, so symmetric RTP latching accepts it. Each datagram is forwarded
 * at an absolute deadline (arrival + delay), one timer per packet; a jitter
 * larger than the packet spacing reorders naturally, as netem does.
 */
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { prng } from './prng.js';
import type { Endpoint } from './sip-test-client.js';

export type JitterModel =
  | { readonly kind: 'none' }
  /** Extra delay uniform in [0, maxMs). */
  | { readonly kind: 'uniform'; readonly maxMs: number }
  /** Extra delay |N(0, sdMs)|: mostly small, sometimes a few sd. */
  | { readonly kind: 'normal'; readonly sdMs: number }
  /** Heavy tail (Pareto, capped): rare long stalls, as on a congested uplink. */
  | { readonly kind: 'pareto'; readonly scaleMs: number; readonly alpha: number; readonly capMs: number };

export type LossModel =
  | { readonly kind: 'none' }
  | { readonly kind: 'bernoulli'; readonly p: number }
  /** Gilbert–Elliott: good→bad with pGB, bad→good with pBG per packet; every packet in the bad state is lost. */
  | { readonly kind: 'gilbert'; readonly pGB: number; readonly pBG: number };

export interface ImpairmentProfile {
  readonly delayMs?: number;
  readonly jitter?: JitterModel;
  readonly loss?: LossModel;
  /** Probability that a packet is held back `reorderMs` more, so later ones overtake it. */
  readonly reorder?: number;
  readonly reorderMs?: number;
  /** Probability that a packet is sent twice (the copy 1 ms after the original). */
  readonly duplicate?: number;
}

export type Direction = 'toServer' | 'toPeer';

export interface DirectionCounters {
  readonly received: number;
  /** Datagrams sent on, duplicates included. */
  readonly forwarded: number;
  readonly lost: number;
  readonly duplicated: number;
  /** Delivered after a packet that arrived at the proxy later than it. */
  readonly reordered: number;
  /** Arrived before the far side's address was known. */
  readonly unroutable: number;
}

export interface ImpairmentProxyOptions {
  readonly seed: number;
  readonly toServer?: ImpairmentProfile;
  readonly toPeer?: ImpairmentProfile;
  readonly host?: string;
}

const NO_IMPAIRMENT: ImpairmentProfile = {};

class Lane {
  profile: ImpairmentProfile;
  target: Endpoint | null = null;
  #bad = false;
  #arrivals = 0;
  #newestDelivered = -1;
  readonly counts = { received: 0, forwarded: 0, lost: 0, duplicated: 0, reordered: 0, unroutable: 0 };

  constructor(
    profile: ImpairmentProfile,
    readonly out: Socket,
    readonly random: () => number,
  ) {
    this.profile = profile;
  }

  /** Decides a datagram's fate: the delays (ms from now) of the copies to send, empty when lost. */
  fate(): { delays: number[]; index: number } {
    const index = this.#arrivals++;
    this.counts.received++;
    if (this.#lost()) {
      this.counts.lost++;
      return { delays: [], index };
    }
    const p = this.profile;
    let delay = (p.delayMs ?? 0) + this.#jitter(p.jitter ?? { kind: 'none' });
    if (p.reorder !== undefined && this.random() < p.reorder) delay += p.reorderMs ?? 40;
    const delays = [delay];
    if (p.duplicate !== undefined && this.random() < p.duplicate) {
      delays.push(delay + 1);
      this.counts.duplicated++;
    }
    return { delays, index };
  }

  delivered(index: number): void {
    this.counts.forwarded++;
    if (index < this.#newestDelivered) this.counts.reordered++;
    else this.#newestDelivered = index;
  }

  #lost(): boolean {
    const loss = this.profile.loss ?? { kind: 'none' };
    if (loss.kind === 'bernoulli') return this.random() < loss.p;
    if (loss.kind === 'gilbert') {
      this.#bad = this.#bad ? this.random() >= loss.pBG : this.random() < loss.pGB;
      return this.#bad;
    }
    return false;
  }

  #jitter(model: JitterModel): number {
    const u = (): number => 1 - this.random(); // (0, 1]
    if (model.kind === 'uniform') return this.random() * model.maxMs;
    if (model.kind === 'normal') return Math.abs(Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * this.random()) * model.sdMs);
    if (model.kind === 'pareto') return Math.min(model.capMs, model.scaleMs / u() ** (1 / model.alpha) - model.scaleMs);
    return 0;
  }
}

async function bind(host: string): Promise<Socket> {
  const socket = createSocket('udp4');
  socket.on('error', () => undefined);
  socket.bind(0, host);
  await once(socket, 'listening');
  return socket;
}

export class ImpairmentProxy {
  /** Where the peer sends its RTP. */
  readonly peerSide: Endpoint;
  /** Where the server sends: the address to put in the SDP offer. */
  readonly serverSide: Endpoint;
  readonly #lanes: Record<Direction, Lane>;
  readonly #sockets: readonly Socket[];
  readonly #timers = new Set<NodeJS.Timeout>();
  #waiters: { readonly direction: Direction; readonly until: (c: DirectionCounters) => boolean; readonly resolve: () => void }[] = [];
  #closed = false;

  private constructor(peerSocket: Socket, serverSocket: Socket, options: ImpairmentProxyOptions, host: string) {
    // One generator per direction, so one lane's fate never depends on the other's traffic timing.
    const unit = (seed: number): (() => number) => {
      const random = prng(seed);
      return () => random() / 4294967296;
    };
    this.peerSide = { host, port: peerSocket.address().port };
    this.serverSide = { host, port: serverSocket.address().port };
    this.#sockets = [peerSocket, serverSocket];
    this.#lanes = {
      toServer: new Lane(options.toServer ?? NO_IMPAIRMENT, serverSocket, unit(options.seed)),
      toPeer: new Lane(options.toPeer ?? NO_IMPAIRMENT, peerSocket, unit(options.seed ^ 0x9e3779b9)),
    };
    peerSocket.on('message', (data, rinfo) => {
      // Latch the peer's address from its first datagram unless the test named it.
      this.#lanes.toPeer.target ??= { host: rinfo.address, port: rinfo.port };
      this.#relay(this.#lanes.toServer, data);
    });
    serverSocket.on('message', (data) => this.#relay(this.#lanes.toPeer, data));
  }

  static async start(options: ImpairmentProxyOptions): Promise<ImpairmentProxy> {
    const host = options.host ?? '127.0.0.1';
    const [peerSocket, serverSocket] = await Promise.all([bind(host), bind(host)]);
    return new ImpairmentProxy(peerSocket, serverSocket, options, host);
  }

  /** Names the server's RTP address (from the SDP answer) and, optionally, the peer's. */
  connect(targets: { readonly server: Endpoint; readonly peer?: Endpoint }): void {
    this.#lanes.toServer.target = targets.server;
    if (targets.peer !== undefined) this.#lanes.toPeer.target = targets.peer;
  }

  /** Changes one direction's impairment from the next datagram on (a network that calms down). */
  setProfile(direction: Direction, profile: ImpairmentProfile): void {
    this.#lanes[direction].profile = profile;
  }

  counters(direction: Direction): DirectionCounters {
    return { ...this.#lanes[direction].counts };
  }

  /** Resolves once `direction`'s counters satisfy `until` (checked on every arrival and delivery). */
  async whenCounters(direction: Direction, until: (c: DirectionCounters) => boolean): Promise<void> {
    if (until(this.counters(direction))) return;
    await new Promise<void>((resolve) => this.#waiters.push({ direction, until, resolve }));
  }

  /** Datagrams still waiting for their deadline. */
  get pending(): number {
    return this.#timers.size;
  }

  /** Drops what is still in flight and closes both sockets. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    await Promise.all(this.#sockets.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }

  #relay(lane: Lane, data: Buffer): void {
    if (this.#closed) return;
    const { delays, index } = lane.fate();
    const arrived = performance.now();
    this.#wake();
    for (const delay of delays) {
      // The deadline is absolute: a timer that fires late does not push the next packets back.
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        const target = lane.target;
        if (target === null) {
          lane.counts.unroutable++;
          this.#wake();
          return;
        }
        lane.delivered(index);
        lane.out.send(data, target.port, target.host);
        this.#wake();
      }, Math.max(0, arrived + delay - performance.now()));
      this.#timers.add(timer);
    }
  }

  #wake(): void {
    if (this.#waiters.length === 0) return;
    this.#waiters = this.#waiters.filter((w) => {
      if (!w.until(this.counters(w.direction))) return true;
      w.resolve();
      return false;
    });
  }
}
