/** Runs an admitted REGISTER through the registrar and answers it (200 with the bindings, or the refusal with a Warning). */
import type { InboundRequest } from '../inbound-request.js';
import type { RejectLog } from '../reject-log.js';
import { warningField } from '../response-builder.js';
import type { Flow } from '../transport.js';
import type { LocationService } from './location-service.js';
import { processRegister } from './registrar.js';

export interface RegistrarDeps {
  readonly location: LocationService;
  readonly rejects: RejectLog;
  now(): number;
  warningHost(flow: Flow): string;
}

export function registerAndAnswer(inbound: InboundRequest, deps: RegistrarDeps): void {
  const { request, flow } = inbound;
  const outcome = processRegister(request, flow, deps.location, deps.now());
  const headers = [...outcome.headers];
  if (outcome.warning !== undefined) {
    headers.push(warningField(deps.warningHost(flow), outcome.warning));
    deps.rejects.record('register-refused', {
      status: outcome.status,
      method: 'REGISTER',
      callId: request.callId,
      source: `${flow.transport}:${flow.remoteAddress}:${flow.remotePort}`,
      detail: outcome.warning,
    });
  }
  inbound.respond(outcome.status, { headers });
}
