/**
 * One leg's transport: the RTP and RTCP sockets of a port pair, SRTP
 * (unprotect before parsing, protect after serializing) when the leg
 * negotiated it, parsing with rtp.js as views over the received datagram,
 * RFC 5761 demux when rtcp-mux is on, and symmetric RTP: we send to the SDP
 * address until a source is latched, then to that source; which sources may
 * (re)latch is decided by SourceLatch (rtp-latch.ts); RTCP follows the RTP
 * latch (see #judgeRtcp).
 *
 * Per packet this never throws and never logs: malformed datagrams, foreign
 * sources and SRTP failures are counted and dropped. The source is checked
 * before SRTP authentication and the latch moves only after it passed.
 */
import type { RemoteInfo, Socket } from 'node:dgram';
import { CompoundPacket, RtpPacket } from 'rtp.js/packets';
import type { PortPair } from './port-pool.js';
import { SourceLatch, type Destination, type SourceVerdict } from './rtp-latch.js';

/** The SRTP session shape of media/srtp (`createSrtpSession`); unprotect gives null on auth/replay failure. */
export interface SrtpTransform {
  protectRtp(packet: Uint8Array): Uint8Array;
  unprotectRtp(packet: Uint8Array): Uint8Array | null;
  protectRtcp(packet: Uint8Array): Uint8Array;
  unprotectRtcp(packet: Uint8Array): Uint8Array | null;
}

export interface EndpointRemote {
  readonly address: string;
  readonly rtpPort: number;
  readonly rtcpPort: number;
}

export interface EndpointHandlers {
  /** A valid RTP packet from the latched source; `packet` is a view over the datagram. */
  onRtp(packet: RtpPacket, byteLength: number): void;
  /** A valid RTCP compound packet from the peer. */
  onRtcp(packet: CompoundPacket): void;
  /** RTP from a new source was accepted and latched ("address:port"). */
  onLatch(source: string): void;
}

export interface EndpointOptions {
  /** Monotonic ms (the media clock), for the latch's learning window. */
  readonly now: () => number;
  readonly learnWindowMs?: number;
}

export interface EndpointCounters {
  readonly malformed: number;
  readonly rejectedSource: number;
  /** SRTP/SRTCP packets that failed authentication or the replay check. */
  readonly srtpRejected: number;
  readonly sendErrors: number;
}

export type SendOutcome = 'sent' | 'queued' | 'no-destination';

const RTP_HEADER_BYTES = 12;
const RTCP_HEADER_BYTES = 4;
/** Common header + sender SSRC: enough to judge the source. */
const RTCP_SSRC_END = 8;

/**
 * RFC 5761 §4: with rtcp-mux, a datagram whose second byte (M bit + PT) is in
 * 192..223 (RTCP packet types 192..223, i.e. RTP PT 64..95 with the marker) is RTCP.
 */
export function isMuxedRtcp(datagram: Uint8Array): boolean {
  const second = datagram[1];
  return second !== undefined && second >= 192 && second <= 223;
}

export class RtpEndpoint {
  readonly #rtp: Socket;
  readonly #rtcp: Socket;
  readonly #handlers: EndpointHandlers;
  #remote: EndpointRemote | null = null;
  /** The SDP's RTP address as a destination (made once per configure, not per send). */
  #signalled: Destination | null = null;
  #rtcpMux = false;
  readonly #latch: SourceLatch;
  /** Where the peer's RTCP comes from (non-mux), learned from its first accepted RTCP packet. */
  #rtcpSource: Destination | null = null;
  #srtp: SrtpTransform | null = null;
  #malformed = 0;
  #rejectedSource = 0;
  #srtpRejected = 0;
  #sendErrors = 0;
  #closed = false;

  constructor(pair: PortPair, handlers: EndpointHandlers, options: EndpointOptions) {
    this.#latch = new SourceLatch(options.now, options.learnWindowMs);
    this.#rtp = pair.rtp;
    this.#rtcp = pair.rtcp;
    this.#handlers = handlers;
    this.#rtp.on('message', this.#onRtpDatagram);
    this.#rtcp.on('message', this.#onRtcpDatagram);
    this.#rtp.on('error', this.#onSocketError);
    this.#rtcp.on('error', this.#onSocketError);
  }

  /**
   * A leg.update: where to send until latched, whether RTCP shares the RTP
   * port, and the SRTP session (null: plain RTP). Opens the latch's learning
   * period; the RTCP source is learned again.
   */
  configure(remote: EndpointRemote | null, rtcpMux: boolean, srtp: SrtpTransform | null = null): void {
    this.#remote = remote;
    this.#signalled = remote === null || remote.rtpPort === 0 ? null : { address: remote.address, port: remote.rtpPort };
    this.#rtcpMux = rtcpMux;
    this.#srtp = srtp;
    this.#latch.open(remote === null ? null : { address: remote.address, port: remote.rtpPort });
    this.#rtcpSource = null;
  }

  get latchedSource(): string | null {
    return this.#latch.source;
  }

  /** True when there is somewhere to send RTP (a latched source or an SDP address). */
  get canSend(): boolean {
    return this.#rtpDestination() !== null;
  }

  counters(): EndpointCounters {
    return { malformed: this.#malformed, rejectedSource: this.#rejectedSource, srtpRejected: this.#srtpRejected, sendErrors: this.#sendErrors };
  }

  /**
   * Sends one RTP datagram. Returns 'queued' when the kernel could not take it
   * at once and the socket still holds `data` (the caller must not reuse it),
   * 'sent' when `data` is free again, 'no-destination' before we know the peer.
   * With SRTP the socket holds the protected copy, so `data` is always free.
   *
   * No completion callback: dgram answers every callback on a later tick
   * (one `process.nextTick` per packet, the largest JS cost of a send after
   * the syscall itself). Errors the socket emits still count in `sendErrors`;
   * a send the kernel refuses outright (no route, EPERM) is dropped silently,
   * as a lost datagram would be, and shows as the peer's loss in RTCP.
   */
  sendRtp(data: Uint8Array): SendOutcome {
    const to = this.#rtpDestination();
    if (to === null || this.#closed) return 'no-destination';
    const srtp = this.#srtp;
    if (srtp !== null) {
      this.#rtp.send(srtp.protectRtp(data), to.port, to.address);
      return 'sent';
    }
    this.#rtp.send(data, to.port, to.address);
    return this.#rtp.getSendQueueCount() > 0 ? 'queued' : 'sent';
  }

  /** Sends one RTCP compound packet on the RTCP socket, or the RTP socket with rtcp-mux. */
  sendRtcp(data: Uint8Array): boolean {
    const rtp = this.#rtpDestination();
    if (rtp === null || this.#closed) return false;
    const packet = this.#srtp === null ? data : this.#srtp.protectRtcp(data);
    if (this.#rtcpMux) {
      this.#rtp.send(packet, rtp.port, rtp.address, this.#onSent);
      return true;
    }
    const to = this.#rtcpSource ?? { address: rtp.address, port: this.#guessRtcpPort(rtp) };
    if (to.port === 0) return false;
    this.#rtcp.send(packet, to.port, to.address, this.#onSent);
    return true;
  }

  /** Stops listening; the port pool closes the sockets. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#rtp.off('message', this.#onRtpDatagram);
    this.#rtcp.off('message', this.#onRtcpDatagram);
    // The error listeners stay: a late send error on a closing socket must not crash the process.
  }

  /**
   * Until the peer's RTCP arrives: the SDP RTCP port if RTP comes from where
   * SDP said, else (a NAT rewrote the source) the latched RTP port + 1.
   */
  #guessRtcpPort(rtp: Destination): number {
    const remote = this.#remote;
    if (remote !== null && rtp.address === remote.address && rtp.port === remote.rtpPort) return remote.rtcpPort;
    return rtp.port + 1;
  }

  #rtpDestination(): Destination | null {
    const latched = this.#latch.destination;
    if (latched !== null) return latched;
    return this.#signalled;
  }

  readonly #onRtpDatagram = (datagram: Buffer, from: RemoteInfo): void => {
    if (this.#rtcpMux && datagram.length >= RTCP_HEADER_BYTES && isMuxedRtcp(datagram)) {
      this.#receiveRtcp(datagram, from);
      return;
    }
    // Version 2 and a full fixed header before anything else looks at it.
    if (datagram.length < RTP_HEADER_BYTES || (datagram[0] ?? 0) >> 6 !== 2) {
      this.#malformed++;
      return;
    }
    const ssrc = datagram.readUInt32BE(8);
    const verdict = this.#latch.judge(from.address, from.port, ssrc);
    if (verdict === 'reject') {
      this.#rejectedSource++;
      return;
    }
    const plain = this.#unprotect(datagram, false);
    if (plain === null) return;
    let packet: RtpPacket;
    try {
      packet = new RtpPacket(new DataView(plain.buffer, plain.byteOffset, plain.byteLength));
    } catch {
      this.#malformed++;
      return;
    }
    if (this.#latch.commit(verdict, from.address, from.port, ssrc)) {
      const source = this.#latch.source;
      if (source !== null) this.#handlers.onLatch(source);
    }
    this.#handlers.onRtp(packet, datagram.length);
  };

  readonly #onRtcpDatagram = (datagram: Buffer, from: RemoteInfo): void => {
    this.#receiveRtcp(datagram, from);
  };

  #receiveRtcp(datagram: Buffer, from: RemoteInfo): void {
    if (datagram.length < RTCP_SSRC_END || (datagram[0] ?? 0) >> 6 !== 2) {
      this.#malformed++;
      return;
    }
    const verdict = this.#judgeRtcp(from, datagram.readUInt32BE(4));
    if (verdict === 'reject') {
      this.#rejectedSource++;
      return;
    }
    const plain = this.#unprotect(datagram, true);
    if (plain === null) return;
    let packet: CompoundPacket;
    try {
      packet = new CompoundPacket(new DataView(plain.buffer, plain.byteOffset, plain.byteLength));
    } catch {
      this.#malformed++;
      return;
    }
    if (verdict === 'switch' && !this.#rtcpMux) this.#rtcpSource = { address: from.address, port: from.port };
    this.#handlers.onRtcp(packet);
  }

  /**
   * RTCP follows the RTP latch. With mux: from the latched RTP source or the
   * SDP address. Without: from the learned RTCP source, or (to learn it) from
   * the SDP RTCP address:port or the latched RTP port + 1. Either way also while
   * the latch is learning, or when the sender SSRC is the latched stream's (a
   * NAT that maps RTCP elsewhere). Never moves the RTP latch.
   */
  #judgeRtcp(from: RemoteInfo, ssrc: number): SourceVerdict {
    const latch = this.#latch;
    const rtp = latch.destination;
    if (this.#rtcpMux) {
      if (rtp !== null && rtp.port === from.port && rtp.address === from.address) return 'current';
      if (latch.isSignalled(from.address, from.port)) return 'switch';
    } else {
      const known = this.#rtcpSource;
      if (known !== null && known.port === from.port && known.address === from.address) return 'current';
      const remote = this.#remote;
      const nextToRtp = rtp !== null && rtp.address === from.address && rtp.port + 1 === from.port;
      const fromSdp = remote !== null && remote.address === from.address && remote.rtcpPort === from.port;
      if (known === null && (nextToRtp || fromSdp)) return 'switch';
    }
    if (latch.learning || (rtp !== null && ssrc === latch.ssrc)) return 'switch';
    return 'reject';
  }

  /** SRTP(C) unprotect; the datagram itself without SRTP; null (counted) when it fails. */
  #unprotect(datagram: Buffer, rtcp: boolean): Uint8Array | null {
    const srtp = this.#srtp;
    if (srtp === null) return datagram;
    let plain: Uint8Array | null;
    try {
      plain = rtcp ? srtp.unprotectRtcp(datagram) : srtp.unprotectRtp(datagram);
    } catch {
      plain = null;
    }
    if (plain === null) this.#srtpRejected++;
    return plain;
  }

  readonly #onSent = (error: Error | null): void => {
    if (error) this.#sendErrors++;
  };

  readonly #onSocketError = (): void => {
    this.#sendErrors++;
  };
}
