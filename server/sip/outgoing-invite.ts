/**
 * The requests of a call we place, outside its dialog: the initial INVITE
 * (RFC 3261 §8.1.1, §13.2.1), its CANCEL (§9.1: same Request-URI, Call-ID,
 * From, To, CSeq number, Route and top Via branch) and the ACK for a non-2xx
 * final response (§17.1.1.3: the response's To, the INVITE's branch).
 */
import type { SipTransportName } from '../signaling/backend.js';
import { ALLOW_FIELD, SDP_CONTENT_TYPE, SUPPORTED_FIELD, localContact } from './capabilities.js';
import type { HeaderField, SipResponse } from './message.js';
import { buildRequest, type RequestRouting } from './request-builder.js';
import { safeHeaderValue } from './response-builder.js';

export interface InviteSpec {
  readonly requestUri: string;
  readonly callId: string;
  /** Our From with its tag. */
  readonly from: string;
  /** To without tag. */
  readonly to: string;
  readonly cseq: number;
  readonly transport: SipTransportName;
  readonly localAddress: string;
  readonly localPort: number;
  readonly userAgent: string;
  readonly offer: string;
  /** Session-Expires / Min-SE and app headers. */
  readonly headers: readonly HeaderField[];
}

function routing(spec: InviteSpec): RequestRouting {
  return { requestUri: spec.requestUri, routes: [], nextHop: spec.requestUri };
}

function common(spec: InviteSpec, method: string): Parameters<typeof buildRequest>[0] {
  return {
    method,
    routing: routing(spec),
    callId: spec.callId,
    from: spec.from,
    to: spec.to,
    cseq: spec.cseq,
    transport: spec.transport,
    localAddress: spec.localAddress,
    localPort: spec.localPort,
    userAgent: spec.userAgent,
  };
}

export function buildInvite(spec: InviteSpec): { bytes: Buffer; branch: string } {
  return buildRequest({
    ...common(spec, 'INVITE'),
    contact: localContact(spec.transport, spec.localAddress, spec.localPort).value,
    headers: [ALLOW_FIELD, SUPPORTED_FIELD, ...spec.headers, SDP_CONTENT_TYPE],
    body: spec.offer,
  });
}

export function buildCancel(spec: InviteSpec, branch: string): Buffer {
  return buildRequest({ ...common(spec, 'CANCEL'), branch }).bytes;
}

export function buildAckForFailure(spec: InviteSpec, branch: string, response: SipResponse): Buffer {
  const to = response.headers.find((field) => field.name === 'to')?.value ?? spec.to;
  return buildRequest({ ...common(spec, 'ACK'), branch, to }).bytes;
}

/** App-supplied headers, made safe; the ones the stack writes itself are ignored. */
export function appHeaders(headers: Readonly<Record<string, string>> | undefined): HeaderField[] {
  const reserved = new Set(['via', 'from', 'to', 'call-id', 'cseq', 'contact', 'content-type', 'content-length', 'max-forwards', 'route']);
  const fields: HeaderField[] = [];
  for (const [name, value] of Object.entries(headers ?? {})) {
    const lower = name.trim().toLowerCase();
    if (/^[a-z0-9!%'*+._`~-]+$/.test(lower) && !reserved.has(lower)) fields.push({ name: lower, value: safeHeaderValue(value) });
  }
  return fields;
}
