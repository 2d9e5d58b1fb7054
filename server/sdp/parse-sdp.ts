/**
 * Parses and validates an SDP body (RFC 4566) into `ParsedSdp`.
 *
 * sdp-transform reads attributes but accepts almost anything, so the
 * structure is checked here on the raw lines first: every line is
 * `<letter>=<value>`, v=0 comes first, o= is readable, every m= and c= line has
 * its RFC 4566 shape, ports are in range, RTP formats are payload-type numbers
 * and every active m-line has a c= at session or media level. Anything else is
 * ERR_SDP_MALFORMED (status 400). Unknown attributes are ignored.
 */
import { parse, type MediaDescription, type SessionDescription } from 'sdp-transform';
import type { MediaDirection } from '../../media/protocol.js';
import { malformed, SdpError } from './errors.js';
import type { ParsedSdp, SdpConnection, SdpFormat, SdpMediaSection } from './model.js';
import { staticPayload } from './static-payload-types.js';
import { toSdpCrypto } from './crypto.js';

/** Far above any real offer; a SIP message over UDP cannot carry more anyway. */
export const MAX_SDP_LENGTH = 65536;

const LINE = /^[a-z]=/;
const M_LINE = /^m=([A-Za-z0-9_.-]+) (\d+)(?:\/(\d+))? (\S+)((?: \S+)+) *$/;
const C_LINE = /^c=IN IP([46]) (\S+) *$/;
const PAYLOAD_TYPE = /^\d{1,3}$/;
const MAX_PAYLOAD_TYPE = 127;
const MAX_PORT = 65535;

/** Protocols whose formats are RTP payload types (RFC 4566 §5.14). */
const RTP_PROTOCOL = /(^|\/)RTP\//i;

const DIRECTIONS: ReadonlySet<string> = new Set<MediaDirection>(['sendrecv', 'sendonly', 'recvonly', 'inactive']);

interface RawMediaLine {
  readonly type: string;
  readonly port: number;
  readonly protocol: string;
  readonly formats: readonly string[];
}

export function parseSdp(text: unknown): ParsedSdp {
  if (typeof text !== 'string' || text.trim() === '') throw malformed('empty body');
  if (text.length > MAX_SDP_LENGTH) throw malformed(`body longer than ${MAX_SDP_LENGTH} characters`);
  // Same split as sdp-transform, so our m-line list lines up with its media list.
  const lines = text.split(/\r\n|\r|\n/).filter((line) => line !== '');
  const bad = lines.find((line) => !LINE.test(line));
  if (bad !== undefined) throw malformed(`line "${clip(bad)}" is not <type>=<value>`);
  if (lines[0]?.trim() !== 'v=0') throw malformed('first line must be v=0');

  const rawMedia = lines.filter((line) => line.startsWith('m=')).map(parseMediaLine);
  for (const line of lines) if (line.startsWith('c=') && !C_LINE.test(line)) throw malformed(`bad connection line "${clip(line)}"`);

  const session = parseWithLibrary(text);
  const origin = session.origin as Partial<typeof session.origin> | undefined;
  // sdp-transform leaves numbers above 2^53 as text (64-bit NTP-style versions), so accept digits either way.
  const versionOk = origin !== undefined && /^\d+$/.test(String(origin.sessionVersion ?? ''));
  if (!origin || !versionOk || !origin.address) throw malformed('missing or unreadable o= line');
  if (rawMedia.length === 0) throw malformed('no m= line');
  if (session.media.length !== rawMedia.length) throw malformed('m= lines could not be read');

  const sessionConnection = toConnection(session.connection);
  const sessionDirection = toDirection(session.direction) ?? 'sendrecv';
  const media = rawMedia.map((raw, i) => toSection(raw, session.media[i], sessionConnection, sessionDirection));
  return { media };
}

function parseWithLibrary(text: string): SessionDescription {
  try {
    return parse(text);
  } catch (error) {
    // sdp-transform only runs regular expressions; this is a safety net, not an expected path.
    throw new SdpError('ERR_SDP_MALFORMED', 'malformed SDP: unreadable', { cause: error });
  }
}

function parseMediaLine(line: string): RawMediaLine {
  const match = M_LINE.exec(line);
  if (!match) throw malformed(`bad media line "${clip(line)}"`);
  const [, type = '', portText = '', , protocol = '', formatText = ''] = match;
  const port = Number(portText);
  if (port > MAX_PORT) throw malformed(`port ${port} out of range in "${clip(line)}"`);
  const formats = formatText.trim().split(/ +/);
  if (RTP_PROTOCOL.test(protocol)) {
    const wrong = formats.find((f) => !PAYLOAD_TYPE.test(f) || Number(f) > MAX_PAYLOAD_TYPE);
    if (wrong !== undefined) throw malformed(`"${clip(wrong)}" is not an RTP payload type in "${clip(line)}"`);
  }
  return { type, port, protocol, formats };
}

function toSection(
  raw: RawMediaLine,
  parsed: MediaDescription | undefined,
  sessionConnection: SdpConnection | null,
  sessionDirection: MediaDirection,
): SdpMediaSection {
  const connection = toConnection(parsed?.connection) ?? sessionConnection;
  if (raw.port !== 0 && connection === null) throw malformed(`no c= line for the ${raw.type} stream`);
  const rtcpPort = parsed?.rtcp?.port;
  if (rtcpPort !== undefined && (typeof rtcpPort !== 'number' || rtcpPort < 1 || rtcpPort > MAX_PORT)) {
    throw malformed(`bad a=rtcp port in the ${raw.type} stream`);
  }
  return {
    type: raw.type,
    port: raw.port,
    protocol: raw.protocol,
    rawFormats: raw.formats,
    formats: RTP_PROTOCOL.test(raw.protocol) ? resolveFormats(raw.formats, parsed) : [],
    connection,
    direction: toDirection(parsed?.direction) ?? sessionDirection,
    ptime: positive(parsed?.ptime),
    maxptime: positive(parsed?.maxptime),
    rtcpPort: rtcpPort ?? null,
    rtcpMux: parsed?.rtcpMux !== undefined,
    crypto: toSdpCrypto(parsed?.crypto),
  };
}

/** Resolves each payload type through a=rtpmap, else the RFC 3551 static table; unknown stays name null. */
function resolveFormats(formats: readonly string[], parsed: MediaDescription | undefined): SdpFormat[] {
  const seen = new Set<number>();
  const result: SdpFormat[] = [];
  for (const text of formats) {
    const payloadType = Number(text);
    if (seen.has(payloadType)) continue;
    seen.add(payloadType);
    const rtpmap = parsed?.rtp.find((r) => r.payload === payloadType);
    const fmtp = parsed?.fmtp.find((f) => f.payload === payloadType)?.config;
    const fixed = staticPayload(payloadType);
    const fmtpText = typeof fmtp === 'string' || typeof fmtp === 'number' ? String(fmtp) : null;
    if (rtpmap && rtpmap.codec && typeof rtpmap.rate === 'number' && rtpmap.rate > 0) {
      const channels = Number(rtpmap.encoding ?? 1);
      result.push({ payloadType, name: rtpmap.codec, clockRate: rtpmap.rate, channels: channels > 0 ? channels : 1, fmtp: fmtpText });
    } else if (fixed) {
      // No rtpmap (allowed for static types) or one we cannot read: RFC 3551 says what it is.
      result.push({ payloadType, name: fixed.name, clockRate: fixed.clockRate, channels: fixed.channels, fmtp: fmtpText });
    } else {
      // Dynamic type without a=rtpmap, or an rtpmap we cannot read: not usable.
      result.push({ payloadType, name: null, clockRate: 0, channels: 0, fmtp: fmtpText });
    }
  }
  return result;
}

function toConnection(value: { version?: number; ip?: string } | undefined): SdpConnection | null {
  if (!value || typeof value.ip !== 'string' || value.ip === '') return null;
  return { ipVer: value.version === 6 ? 6 : 4, address: value.ip };
}

function toDirection(value: string | undefined): MediaDirection | null {
  return value !== undefined && DIRECTIONS.has(value) ? (value as MediaDirection) : null;
}

/** sdp-transform yields a number, or the text when it is not an integer ("20.0"). */
function positive(value: unknown): number | null {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : null;
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
