/** The validated, normalised view of a remote SDP that negotiation works on. */
import type { MediaDirection } from '../../media/protocol.js';

export interface SdpConnection {
  readonly ipVer: 4 | 6;
  readonly address: string;
}

/** One RTP payload format of an m-line, resolved through a=rtpmap or RFC 3551. */
export interface SdpFormat {
  readonly payloadType: number;
  /** Encoding name as written, or null for a dynamic type without a=rtpmap. */
  readonly name: string | null;
  readonly clockRate: number;
  readonly channels: number;
  /** The a=fmtp value for this payload type, verbatim, or null. */
  readonly fmtp: string | null;
}

export interface SdpMediaSection {
  readonly type: string;
  readonly port: number;
  readonly protocol: string;
  /** The m-line's format list as written (payload types, or e.g. "t38"). */
  readonly rawFormats: readonly string[];
  /** Resolved formats; empty for non-RTP protocols. */
  readonly formats: readonly SdpFormat[];
  /** The media-level c= or else the session-level one. */
  readonly connection: SdpConnection | null;
  /** a=sendrecv/sendonly/recvonly/inactive, media level over session level; sendrecv by default. */
  readonly direction: MediaDirection;
  readonly ptime: number | null;
  readonly maxptime: number | null;
  /** Port from a=rtcp (RFC 3605), or null. */
  readonly rtcpPort: number | null;
  readonly rtcpMux: boolean;
  /** a=crypto lines (RFC 4568), in order. */
  readonly crypto: readonly SdpCrypto[];
}

export interface SdpCrypto {
  readonly tag: number;
  readonly suite: string;
  /** The key-params text, e.g. `inline:<base64>|2^31`. */
  readonly keyParams: string;
}

export interface ParsedSdp {
  readonly media: readonly SdpMediaSection[];
}
