/**
 * Requests we originate (BYE, re-INVITE, UPDATE, INFO, PRACK in a dialog,
 * INVITE and CANCEL outside one), RFC 3261 §8.1.1 and §12.2.1.1:
 * Request-URI and Route from the remote target and route set (loose and
 * strict routing), From/To swapped to our side, a fresh branch, and the
 * destination from the next hop's URI (RFC 3263 DNS SRV is not done; host
 * names go to the OS resolver).
 */
import type { SipTransportName } from '../signaling/backend.js';
import { newBranch } from './ids.js';
import { parseNameAddr } from './headers/name-addr.js';
import type { HeaderField } from './message.js';
import { serializeRequest } from './serializer.js';
import type { Destination, Flow } from './transport.js';
import { bareHost, bracketHost, parseSipUri, uriParam } from './uri.js';

export interface RequestRouting {
  readonly requestUri: string;
  /** Route header values, in order. */
  readonly routes: readonly string[];
  /** URI of the next hop: the first Route, or the Request-URI. */
  readonly nextHop: string;
}

const DEFAULT_PORT = 5060;
const TRANSPORTS: ReadonlyMap<string, SipTransportName> = new Map([
  ['udp', 'udp'],
  ['tcp', 'tcp'],
  ['ws', 'ws'],
  ['wss', 'ws'],
]);

/** RFC 3261 §12.2.1.1: loose routing when the first route has `lr`, strict routing otherwise. */
export function routeRequest(remoteTarget: string, routeSet: readonly string[]): RequestRouting {
  const first = routeSet[0];
  const firstUri = first === undefined ? null : (parseNameAddr(first)?.uri ?? null);
  if (first === undefined || firstUri === null) return { requestUri: remoteTarget, routes: [], nextHop: remoteTarget };
  const parsedFirst = parseSipUri(firstUri);
  if (parsedFirst !== null && uriParam(parsedFirst, 'lr') !== undefined) {
    return { requestUri: remoteTarget, routes: routeSet, nextHop: firstUri };
  }
  // Strict routing: "the UAC MUST place the first URI from the route set into the Request-URI ...
  // [and] MUST add the remote target URI ... as the last value in the Route header field".
  return { requestUri: firstUri, routes: [...routeSet.slice(1), `<${remoteTarget}>`], nextHop: firstUri };
}

/**
 * Where a request for `uri` goes. A live stream connection of the dialog's
 * flow is reused (the peer is likely behind NAT and expects it); otherwise
 * host/maddr, port and transport come from the URI, the transport defaulting
 * to the one the dialog was set up on.
 */
export function destinationFor(uri: string, flow: Flow): Destination | null {
  if (flow.connection !== null && !flow.connection.closed) {
    return { transport: flow.transport, address: flow.remoteAddress, port: flow.remotePort, connection: flow.connection };
  }
  const parsed = parseSipUri(uri);
  if (parsed === null) return null;
  const transportParam = uriParam(parsed, 'transport');
  const transport = typeof transportParam === 'string' ? TRANSPORTS.get(transportParam.toLowerCase()) : flow.transport;
  if (transport === undefined) return null;
  const maddr = uriParam(parsed, 'maddr');
  const host = typeof maddr === 'string' && maddr.length > 0 ? maddr : parsed.host;
  return { transport, address: bareHost(host), port: parsed.port ?? DEFAULT_PORT, connection: null };
}

export interface InDialogRequest {
  readonly method: string;
  readonly routing: RequestRouting;
  readonly callId: string;
  /** Our From: the dialog's local URI with our tag. */
  readonly from: string;
  /** Their To: the dialog's remote URI with their tag (no tag outside a dialog). */
  readonly to: string;
  readonly cseq: number;
  readonly transport: SipTransportName;
  readonly localAddress: string;
  readonly localPort: number;
  readonly userAgent: string;
  /** Reuse a branch (CANCEL and the ACK for a non-2xx share their INVITE's); a new one otherwise. */
  readonly branch?: string;
  /** Contact header value, for requests that need one (INVITE, UPDATE, REGISTER). */
  readonly contact?: string;
  /** Extra fields after the standard ones (Session-Expires, RAck, Content-Type...). */
  readonly headers?: readonly HeaderField[];
  readonly body?: string | null;
}

/** Builds a request (RFC 3261 §8.1.1): Via with a branch (and rport), Max-Forwards, Route set, From/To/Call-ID/CSeq. */
export function buildInDialogRequest(request: InDialogRequest): { bytes: Buffer; branch: string } {
  const branch = request.branch ?? newBranch();
  const headers: HeaderField[] = [
    { name: 'via', value: `SIP/2.0/${request.transport.toUpperCase()} ${bracketHost(request.localAddress)}:${request.localPort};branch=${branch};rport` },
    { name: 'max-forwards', value: '70' },
  ];
  for (const route of request.routing.routes) headers.push({ name: 'route', value: route });
  headers.push(
    { name: 'from', value: request.from },
    { name: 'to', value: request.to },
    { name: 'call-id', value: request.callId },
    { name: 'cseq', value: `${request.cseq} ${request.method}` },
  );
  if (request.contact !== undefined) headers.push({ name: 'contact', value: request.contact });
  if (request.headers !== undefined) headers.push(...request.headers);
  headers.push({ name: 'user-agent', value: request.userAgent });
  return { bytes: serializeRequest(request.method, request.routing.requestUri, headers, request.body ?? null), branch };
}

/** The same builder for requests outside a dialog (the initial INVITE of a call we place). */
export const buildRequest = buildInDialogRequest;
