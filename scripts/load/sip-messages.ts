/**
 * The few SIP messages the load UAC sends (INVITE, ACK, BYE, responses to
 * in-dialog requests) and a lenient parser for what comes back. Enough for a
 * load generator against our own server; not a general SIP stack.
 */
import { randomBytes } from 'node:crypto';
import { parse as parseSdp } from 'sdp-transform';
import type { GeneratorCodec } from './tone-frames.js';

export interface SipAddress {
  readonly address: string;
  readonly port: number;
}

/** What one call's dialog needs to remember between requests. */
export interface DialogIds {
  readonly callId: string;
  readonly fromTag: string;
  readonly target: string;
  readonly server: SipAddress;
  readonly local: SipAddress;
  toTag: string;
  /** The server's Contact (where in-dialog requests go); the target URI until a 2xx says otherwise. */
  remoteUri: string;
}

export interface ParsedSip {
  /** Status code of a response, 0 for a request. */
  readonly status: number;
  /** Method of a request, or the CSeq method of a response. */
  readonly method: string;
  readonly cseq: number;
  readonly callId: string;
  readonly toTag: string;
  readonly contactUri: string | null;
  readonly headers: ReadonlyMap<string, string>;
  readonly body: string;
}

export function newToken(bytes = 8): string {
  return randomBytes(bytes).toString('hex');
}

export function newBranch(): string {
  return `z9hG4bK${newToken()}`;
}

export function offerSdp(local: string, rtpPort: number, codec: GeneratorCodec, rtcpMux: boolean): string {
  const lines = [
    'v=0',
    `o=voxload ${rtpPort} 1 IN IP4 ${local}`,
    's=voxbridge load',
    `c=IN IP4 ${local}`,
    't=0 0',
    `m=audio ${rtpPort} RTP/AVP ${codec.payloadType}`,
    `a=rtpmap:${codec.payloadType} ${codec.name}/${codec.clockRate}${(codec.channels ?? 1) > 1 ? `/${codec.channels}` : ''}`,
    'a=ptime:20',
    'a=sendrecv',
  ];
  if (rtcpMux) lines.push('a=rtcp-mux');
  return `${lines.join('\r\n')}\r\n`;
}

/** The answer's audio address and port, or null if it has none. */
export function answeredMedia(sdp: string): SipAddress | null {
  const session = parseSdp(sdp);
  const audio = session.media.find((m) => m.type === 'audio');
  const address = audio?.connection?.ip ?? session.connection?.ip;
  if (audio === undefined || address === undefined || audio.port === 0) return null;
  return { address, port: audio.port };
}

function headerBlock(dialog: DialogIds, branch: string, method: string, cseq: number, withToTag: boolean): string[] {
  const to = `<sip:${dialog.target}@${dialog.server.address}:${dialog.server.port}>${withToTag && dialog.toTag !== '' ? `;tag=${dialog.toTag}` : ''}`;
  return [
    `Via: SIP/2.0/UDP ${dialog.local.address}:${dialog.local.port};branch=${branch};rport`,
    'Max-Forwards: 70',
    `From: <sip:load@${dialog.local.address}>;tag=${dialog.fromTag}`,
    `To: ${to}`,
    `Call-ID: ${dialog.callId}`,
    `CSeq: ${cseq} ${method}`,
    `Contact: <sip:load@${dialog.local.address}:${dialog.local.port}>`,
    'User-Agent: voxbridge-load',
  ];
}

export function buildRequest(dialog: DialogIds, method: 'INVITE' | 'ACK' | 'BYE', branch: string, cseq: number, sdp?: string): Buffer {
  const uri = method === 'INVITE' ? `sip:${dialog.target}@${dialog.server.address}:${dialog.server.port}` : dialog.remoteUri;
  const lines = [`${method} ${uri} SIP/2.0`, ...headerBlock(dialog, branch, method, cseq, method !== 'INVITE')];
  const body = sdp ?? '';
  if (body !== '') lines.push('Content-Type: application/sdp');
  lines.push(`Content-Length: ${Buffer.byteLength(body)}`, '', body);
  return Buffer.from(lines.join('\r\n'));
}

/** A 200 (or other status) to a request the server sent us, echoing its transaction headers. */
export function buildResponse(request: ParsedSip, status: number, reason: string): Buffer {
  const copy = ['via', 'from', 'to', 'call-id', 'cseq'].map((name) => `${canonical(name)}: ${request.headers.get(name) ?? ''}`);
  return Buffer.from([`SIP/2.0 ${status} ${reason}`, ...copy, 'Content-Length: 0', '', ''].join('\r\n'));
}

function canonical(name: string): string {
  return name === 'call-id' ? 'Call-ID' : name === 'cseq' ? 'CSeq' : name.charAt(0).toUpperCase() + name.slice(1);
}

const COMPACT: Readonly<Record<string, string>> = { v: 'via', f: 'from', t: 'to', i: 'call-id', m: 'contact', l: 'content-length', c: 'content-type' };

/** Parses a datagram; null if it is not SIP we can use. Only the first Via is kept (we sent it). */
export function parseSip(data: Buffer): ParsedSip | null {
  const text = data.toString('utf8');
  const split = text.indexOf('\r\n\r\n');
  if (split < 0) return null;
  const [first, ...rest] = text.slice(0, split).split('\r\n');
  if (first === undefined) return null;
  const headers = new Map<string, string>();
  for (const line of rest) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const raw = line.slice(0, colon).trim().toLowerCase();
    const name = COMPACT[raw] ?? raw;
    if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim());
  }
  const statusMatch = /^SIP\/2\.0 (\d{3})/.exec(first);
  const cseqMatch = /^(\d+)\s+(\S+)/.exec(headers.get('cseq') ?? '');
  if (cseqMatch === null) return null;
  const requestMethod = /^([A-Z]+) /.exec(first)?.[1];
  const contact = /<([^>]+)>/.exec(headers.get('contact') ?? '')?.[1] ?? null;
  return {
    status: statusMatch === null ? 0 : Number(statusMatch[1]),
    method: statusMatch === null ? (requestMethod ?? '') : (cseqMatch[2] ?? ''),
    cseq: Number(cseqMatch[1]),
    callId: headers.get('call-id') ?? '',
    toTag: /;\s*tag=([^;>\s]+)/.exec(headers.get('to') ?? '')?.[1] ?? '',
    contactUri: contact,
    headers,
    body: text.slice(split + 4),
  };
}
