/**
 * One leg's transport: the RTP and RTCP sockets of a port pair, parsing with
 * rtp.js as views over the received datagram (no copy), RFC 5761 demux when
 * rtcp-mux is on, and symmetric RTP (RFC 4961 style "latching"): until the
 * first valid RTP packet we send to the address from SDP; then we send to
 * where that packet came from, and drop (and count) RTP from anywhere else.
 * `configure` (a leg.update) forgets the latch so it is learned again.
 *
 * Per packet this never throws and never logs: malformed datagrams and
 * foreign sources are counted and dropped.
 */
import type { RemoteInfo, Socket } from 'node:dgram';
import { CompoundPacket, RtpPacket } from 'rtp.js/packets';
import type { PortPair } from './port-pool.js';

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
  /** The first RTP packet after creation or `configure` latched this source ("address:port"). */
  onLatch(source: string): void;
}

export interface EndpointCounters {
  readonly malformed: number;
  readonly rejectedSource: number;
  readonly sendErrors: number;
}

export type SendOutcome = 'sent' | 'queued' | 'no-destination';

interface Destination {
  readonly address: string;
  readonly port: number;
}

const RTP_HEADER_BYTES = 12;
const RTCP_HEADER_BYTES = 4;

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
  #rtcpMux = false;
  #latch: Destination | null = null;
  #latchedSource: string | null = null;
  /** Source port of the peer's RTCP (non-mux), learned from its first RTCP packet. */
  #rtcpPort: number | null = null;
  #malformed = 0;
  #rejectedSource = 0;
  #sendErrors = 0;
  #closed = false;

  constructor(pair: PortPair, handlers: EndpointHandlers) {
    this.#rtp = pair.rtp;
    this.#rtcp = pair.rtcp;
    this.#handlers = handlers;
    this.#rtp.on('message', this.#onRtpDatagram);
    this.#rtcp.on('message', this.#onRtcpDatagram);
    this.#rtp.on('error', this.#onSocketError);
    this.#rtcp.on('error', this.#onSocketError);
  }

  /** Sets where to send until latched, and whether RTCP shares the RTP port. Forgets the latch. */
  configure(remote: EndpointRemote | null, rtcpMux: boolean): void {
    this.#remote = remote;
    this.#rtcpMux = rtcpMux;
    this.#latch = null;
    this.#latchedSource = null;
    this.#rtcpPort = null;
  }

  get latchedSource(): string | null {
    return this.#latchedSource;
  }

  /** True when there is somewhere to send RTP (a latched source or an SDP address). */
  get canSend(): boolean {
    return this.#rtpDestination() !== null;
  }

  counters(): EndpointCounters {
    return { malformed: this.#malformed, rejectedSource: this.#rejectedSource, sendErrors: this.#sendErrors };
  }

  /**
   * Sends one RTP datagram. Returns 'queued' when the kernel could not take it
   * at once and the socket still holds `data` (the caller must not reuse it),
   * 'sent' when `data` is free again, 'no-destination' before we know the peer.
   */
  sendRtp(data: Uint8Array): SendOutcome {
    const to = this.#rtpDestination();
    if (to === null || this.#closed) return 'no-destination';
    this.#rtp.send(data, to.port, to.address, this.#onSent);
    return this.#rtp.getSendQueueCount() > 0 ? 'queued' : 'sent';
  }

  /** Sends one RTCP compound packet on the RTCP socket, or the RTP socket with rtcp-mux. */
  sendRtcp(data: Uint8Array): boolean {
    const rtp = this.#rtpDestination();
    if (rtp === null || this.#closed) return false;
    if (this.#rtcpMux) {
      this.#rtp.send(data, rtp.port, rtp.address, this.#onSent);
      return true;
    }
    const port = this.#rtcpPort ?? this.#guessRtcpPort(rtp);
    if (port === 0) return false;
    this.#rtcp.send(data, port, rtp.address, this.#onSent);
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
    if (this.#latch !== null) return this.#latch;
    const remote = this.#remote;
    if (remote === null || remote.rtpPort === 0) return null;
    return { address: remote.address, port: remote.rtpPort };
  }

  readonly #onRtpDatagram = (datagram: Buffer, from: RemoteInfo): void => {
    if (this.#rtcpMux && datagram.length >= RTCP_HEADER_BYTES && isMuxedRtcp(datagram)) {
      this.#receiveRtcp(datagram, from);
      return;
    }
    if (datagram.length < RTP_HEADER_BYTES) {
      this.#malformed++;
      return;
    }
    let packet: RtpPacket;
    try {
      packet = new RtpPacket(new DataView(datagram.buffer, datagram.byteOffset, datagram.length));
    } catch {
      this.#malformed++;
      return;
    }
    if (!this.#acceptRtpSource(from)) return;
    this.#handlers.onRtp(packet, datagram.length);
  };

  readonly #onRtcpDatagram = (datagram: Buffer, from: RemoteInfo): void => {
    this.#receiveRtcp(datagram, from);
  };

  #receiveRtcp(datagram: Buffer, from: RemoteInfo): void {
    if (datagram.length < RTCP_HEADER_BYTES) {
      this.#malformed++;
      return;
    }
    let packet: CompoundPacket;
    try {
      packet = new CompoundPacket(new DataView(datagram.buffer, datagram.byteOffset, datagram.length));
    } catch {
      this.#malformed++;
      return;
    }
    // Once latched, RTCP must come from the latched host (its port may differ without mux).
    if (this.#latch !== null && from.address !== this.#latch.address) {
      this.#rejectedSource++;
      return;
    }
    if (!this.#rtcpMux && this.#rtcpPort === null) this.#rtcpPort = from.port;
    this.#handlers.onRtcp(packet);
  }

  #acceptRtpSource(from: RemoteInfo): boolean {
    const latch = this.#latch;
    if (latch === null) {
      this.#latch = { address: from.address, port: from.port };
      this.#latchedSource = `${from.address}:${from.port}`;
      this.#handlers.onLatch(this.#latchedSource);
      return true;
    }
    if (from.port === latch.port && from.address === latch.address) return true;
    this.#rejectedSource++;
    return false;
  }

  readonly #onSent = (error: Error | null): void => {
    if (error) this.#sendErrors++;
  };

  readonly #onSocketError = (): void => {
    this.#sendErrors++;
  };
}
