/** What a remote media section tells us about where to send, in which direction and how often. */
import { isIP } from 'node:net';
import type { CodecDescriptor } from '../../codecs/index.js';
import type { LegParams, MediaDirection } from '../../media/protocol.js';
import { malformed, SdpError } from './errors.js';
import type { SdpMediaSection } from './model.js';

/**
 * RFC 3264 §6.1: the answer's direction for each offered one. Read the other
 * way it also gives our direction from the remote's attribute (remote sendonly
 * means we only receive).
 */
export const MIRRORED_DIRECTION: Readonly<Record<MediaDirection, MediaDirection>> = {
  sendrecv: 'sendrecv',
  sendonly: 'recvonly',
  recvonly: 'sendonly',
  inactive: 'inactive',
};

/** c= addresses that mean "do not send to me" (RFC 2543 hold; RFC 3264 §8.4). */
const UNSPECIFIED_ADDRESSES: ReadonlySet<string> = new Set(['0.0.0.0', '::']);

const MAX_PORT = 65535;

export interface RemoteSide {
  readonly remote: LegParams['remote'];
  readonly rtcpMux: boolean;
  /** Our direction: the mirrored remote attribute, or inactive on an old-style 0.0.0.0 hold. */
  readonly direction: MediaDirection;
}

/**
 * Reads the remote transport of an active section. An unspecified c= address
 * (0.0.0.0, ::) is an old-style hold: remote null and direction inactive, and we
 * answer a=inactive, until a new offer brings a real address.
 */
export function remoteSide(section: SdpMediaSection, acceptRtcpMux: boolean): RemoteSide {
  const connection = section.connection;
  if (connection === null) throw malformed(`no c= line for the ${section.type} stream`);
  const { address, ipVer } = connection;
  if (UNSPECIFIED_ADDRESSES.has(address)) return { remote: null, rtcpMux: false, direction: 'inactive' };
  if (isIP(address) !== ipVer) {
    throw new SdpError('ERR_SDP_UNSUPPORTED', `connection address ${address} is not an IPv${ipVer} literal (host names and multicast are not supported)`);
  }
  const rtcpMux = acceptRtcpMux && section.rtcpMux;
  const nextPort = section.port < MAX_PORT ? section.port + 1 : section.port;
  const rtcpPort = rtcpMux ? section.port : (section.rtcpPort ?? nextPort);
  return {
    remote: { address, rtpPort: section.port, rtcpPort },
    rtcpMux,
    direction: MIRRORED_DIRECTION[section.direction],
  };
}

/**
 * The packet time we send with: the remote's a=ptime when the codec can do it
 * (and it respects a=maxptime), else `fallback` (config) if the codec can do
 * it, else the codec's preferred one; never above the remote's a=maxptime
 * when the codec has something that fits.
 */
export function choosePtime(codec: CodecDescriptor, section: SdpMediaSection, fallback: number | undefined): number {
  const { ptime, maxptime } = section;
  const fits = (p: number): boolean => codec.ptimes.includes(p) && (maxptime === null || p <= maxptime);
  if (ptime !== null && fits(ptime)) return ptime;
  if (fallback !== undefined && fits(fallback)) return fallback;
  const preferred = codec.ptimes[0] ?? 20;
  if (fits(preferred)) return preferred;
  const underMax = codec.ptimes.filter(fits);
  return underMax.length > 0 ? Math.max(...underMax) : Math.min(...codec.ptimes, preferred);
}
