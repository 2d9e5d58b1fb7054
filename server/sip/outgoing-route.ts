/**
 * Where a call we place goes. A plain target URI goes to its host and port
 * (RFC 3263 DNS SRV/NAPTR is not done: host names go to the OS resolver),
 * over the transport its `transport` parameter names (UDP by default). A
 * registered contact goes to where its REGISTER came from, on the same
 * connection for TCP and WebSocket: that is what gets through NAT.
 */
import type { PlaceCallOptions } from '../signaling/backend.js';
import { SipError } from './errors.js';
import type { OutgoingRoute } from './outgoing-call.js';
import type { LocationService } from './registrar/location-service.js';
import { destinationFor } from './request-builder.js';
import type { Flow } from './transport.js';
import { parseSipUri } from './uri.js';

const NO_FLOW: Flow = { transport: 'udp', remoteAddress: '', remotePort: 0, localAddress: '', localPort: 0, connection: null };

/** The route to a URI, or null when it is not a SIP URI we can reach (WebSocket peers only over their own connection). */
export function routeForUri(uri: string): OutgoingRoute | null {
  if (parseSipUri(uri) === null) return null;
  const destination = destinationFor(uri, NO_FLOW);
  if (destination === null || destination.transport === 'ws') return null;
  return {
    requestUri: uri,
    destination,
    flow: { ...NO_FLOW, transport: destination.transport, remoteAddress: destination.address, remotePort: destination.port },
  };
}

export function placeRoute(
  options: PlaceCallOptions,
  registry: { readonly location: LocationService; now(): number },
): { readonly route: OutgoingRoute } | { readonly error: SipError } {
  const { contact } = options;
  if (contact !== undefined) {
    const binding = registry.location.lookup(contact.user, registry.now()).find((candidate) => candidate.uri === contact.uri);
    if (binding === undefined) return { error: new SipError(480, `${contact.uri} is no longer registered`) };
    const { flow } = binding;
    return {
      route: {
        requestUri: binding.uri,
        destination: { transport: flow.transport, address: flow.remoteAddress, port: flow.remotePort, connection: flow.connection },
        flow,
      },
    };
  }
  if (options.target === undefined) return { error: new SipError(400, 'placeCall needs a target or a contact', { code: 'ERR_SIP_STATE' }) };
  const route = routeForUri(options.target);
  return route === null ? { error: new SipError(416, `cannot place a call to ${options.target}`, { code: 'ERR_SIP_STATE' }) } : { route };
}
