/**
 * Request templates for the test client (RFC 3261 §8.1.1): every request gets
 * Via (branch z9hG4bK…, rport), Max-Forwards, From/To, Call-ID, CSeq and,
 * where the method allows it, Contact. Identifiers are random hex.
 */
import { randomBytes } from 'node:crypto';
import { serialize, type HeaderList } from './message.js';
import type { SipTestTransport } from './transport.js';

/** Our side of the connection, as it goes into Via and Contact. */
export interface Locality {
  readonly transport: SipTestTransport;
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly userAgent: string;
}

export interface RequestSpec {
  readonly method: string;
  readonly uri: string;
  readonly callId: string;
  /** Full From value, tag included. */
  readonly from: string;
  /** Full To value (with the remote tag inside a dialog). */
  readonly to: string;
  readonly cseq: number;
  readonly branch: string;
  /** Route headers (a dialog's route set), in order. */
  readonly route?: readonly string[];
  readonly headers?: HeaderList | Readonly<Record<string, string>>;
  readonly body?: string;
  readonly contentType?: string;
}

/** Methods whose requests carry no Contact (RFC 3261 Table 2/3). */
const NO_CONTACT = new Set(['BYE', 'CANCEL']);

export function randomToken(bytes = 8): string {
  return randomBytes(bytes).toString('hex');
}

export function newBranch(): string {
  return `z9hG4bK${randomToken()}`;
}

export function contactOf(local: Locality): string {
  return `<sip:${local.user}@${local.host}:${local.port};transport=${local.transport}>`;
}

export function viaOf(local: Locality, branch: string): string {
  return `SIP/2.0/${local.transport.toUpperCase()} ${local.host}:${local.port};branch=${branch};rport`;
}

export function buildRequest(local: Locality, spec: RequestSpec): string {
  const extra: HeaderList = Array.isArray(spec.headers)
    ? (spec.headers as HeaderList)
    : Object.entries(spec.headers ?? {});
  const headers: (readonly [string, string])[] = [
    ['Via', viaOf(local, spec.branch)],
    ['Max-Forwards', '70'],
    ...(spec.route ?? []).map((r): [string, string] => ['Route', r]),
    ['From', spec.from],
    ['To', spec.to],
    ['Call-ID', spec.callId],
    ['CSeq', `${spec.cseq} ${spec.method}`],
  ];
  if (!NO_CONTACT.has(spec.method)) headers.push(['Contact', contactOf(local)]);
  headers.push(['User-Agent', local.userAgent], ...extra);
  return serialize({
    startLine: `${spec.method} ${spec.uri} SIP/2.0`,
    headers,
    ...(spec.body === undefined ? {} : { body: spec.body }),
    ...(spec.contentType === undefined ? {} : { contentType: spec.contentType }),
  });
}
