/** Writes the SDP we send (offers and answers) from a small, explicit model. */
import type { LocalMedia } from '../../media/protocol.js';
import { ipVersionOf, stampSdp, type SdpSession } from './session.js';

export interface OutgoingMedia {
  readonly type: string;
  /** 0 rejects the stream (RFC 3264 §6). */
  readonly port: number;
  readonly protocol: string;
  readonly formats: readonly string[];
  /** Attribute values without the "a=" prefix, in order. */
  readonly attributes: readonly string[];
}

const CRLF = '\r\n';

export function writeSdp(session: SdpSession, local: LocalMedia, media: readonly OutgoingMedia[]): string {
  const lines = ['s=voxbridge', `c=IN ${ipVersionOf(local.address)} ${local.address}`, 't=0 0'];
  for (const m of media) {
    lines.push(`m=${m.type} ${m.port} ${m.protocol} ${m.formats.join(' ')}`);
    for (const attribute of m.attributes) lines.push(`a=${attribute}`);
  }
  return stampSdp(session, lines.join(CRLF) + CRLF);
}

/** Renders fmtp parameters: "key=value" pairs, or a bare key when the value is empty ("0-16"). */
export function formatFmtp(fmtp: Readonly<Record<string, string>>): string {
  return Object.entries(fmtp)
    .map(([key, value]) => (value === '' ? key : `${key}=${value}`))
    .join(';');
}
