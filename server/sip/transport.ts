/**
 * What the transaction and core layers know of transports: where a message
 * came from (`Flow`), where one goes (`Destination`), and the rules that map
 * a request's Via to where its responses go (RFC 3261 §18.2.2, RFC 3581 §4).
 */
import type { SipTransportName } from '../signaling/backend.js';
import { getParam } from './headers/params.js';
import { formatVia, receivedVia } from './headers/via.js';
import type { SipRequest } from './message.js';
import { bareHost } from './uri.js';

/** A connection-oriented transport's connection (TCP or WebSocket). */
export interface StreamConnection {
  readonly id: number;
  readonly closed: boolean;
  /** Queues bytes on the connection; false when it is already closed. */
  write(data: Buffer): boolean;
}

/** Where a received message came from. */
export interface Flow {
  readonly transport: SipTransportName;
  readonly remoteAddress: string;
  readonly remotePort: number;
  /** Local address it arrived on (for UDP, the bind address, possibly a wildcard). */
  readonly localAddress: string;
  readonly localPort: number;
  /** The connection it came on; responses and our in-dialog requests reuse it. */
  readonly connection: StreamConnection | null;
}

export interface Destination {
  readonly transport: SipTransportName;
  /** IP address or host name. */
  readonly address: string;
  readonly port: number;
  /** Preferred connection for stream transports; a new one is opened if it is gone. */
  readonly connection: StreamConnection | null;
}

export interface TransportSender {
  /**
   * Sends, never throws. False when it cannot even try (no listener for that
   * transport, no live connection to a WebSocket peer, shutting down). Later
   * socket failures are counted and logged; on stream transports a connection
   * that could not be opened or broke before the bytes were written also calls
   * `onError` (RFC 3261 §18.4: the transaction hears of transport failures).
   * UDP never calls it: a lost datagram is what retransmission is for.
   */
  send(data: Buffer, destination: Destination, onError?: () => void): boolean;
}

const DEFAULT_SIP_PORT = 5060;

/**
 * RFC 3261 §18.2.1 + RFC 3581 §4 on the receiving side: add `received`/fill
 * `rport` in the top Via, both in the parsed list and in the header fields
 * (which responses copy).
 */
export function stampReceivedVia(request: SipRequest, flow: Flow): void {
  const top = request.via[0];
  if (top === undefined) return;
  const stamped = receivedVia(top, flow.remoteAddress, flow.remotePort);
  if (stamped === null) return;
  request.via[0] = stamped;
  const field = request.headers.find((header) => header.name === 'via');
  if (field) field.value = formatVia(stamped);
}

/** Where responses to `request` go (after `stampReceivedVia`). */
export function responseDestination(request: SipRequest, flow: Flow): Destination {
  const top = request.via[0];
  if (top === undefined) return sourceDestination(flow);
  if (flow.transport !== 'udp') {
    // §18.2.2: reliable transport: "the response MUST be sent using the existing connection ...
    // If that connection is no longer open, the server SHOULD open a connection to the IP address
    // in the "received" parameter, if present, using the port in the "sent-by" value".
    return { transport: flow.transport, address: flow.remoteAddress, port: top.port ?? DEFAULT_SIP_PORT, connection: flow.connection };
  }
  const maddr = getParam(top.params, 'maddr');
  const sentByPort = top.port ?? DEFAULT_SIP_PORT;
  if (typeof maddr === 'string' && maddr.length > 0) {
    // §18.2.2: "if the sent-by ... contains a "maddr" parameter, the response MUST be forwarded to the address listed there".
    return { transport: 'udp', address: bareHost(maddr), port: sentByPort, connection: null };
  }
  const rport = getParam(top.params, 'rport');
  const received = getParam(top.params, 'received');
  const address = typeof received === 'string' ? bareHost(received) : bareHost(top.host);
  // RFC 3581 §4: with rport, send to the source IP and port the request came from.
  const port = typeof rport === 'string' ? Number(rport) : sentByPort;
  return { transport: 'udp', address, port, connection: null };
}

/** Where to send a response to a message that was too broken to trust its Via: straight back. */
export function sourceDestination(flow: Flow): Destination {
  return { transport: flow.transport, address: flow.remoteAddress, port: flow.remotePort, connection: flow.connection };
}

export function isWildcardAddress(address: string): boolean {
  return address === '0.0.0.0' || address === '::' || address === '';
}
