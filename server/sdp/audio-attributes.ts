/** The a= lines of our audio m-line, shared by offers and answers. */
import type { CodecDescriptor } from '../../codecs/index.js';
import type { MediaDirection } from '../../media/protocol.js';
import { formatFmtp } from './writer.js';

export interface AudioLineFormat {
  readonly payloadType: number;
  readonly name: string;
  readonly clockRate: number;
  readonly channels: number;
  /** fmtp value to write verbatim; null writes none. */
  readonly fmtp: string | null;
}

export interface AudioLineOptions {
  readonly formats: readonly AudioLineFormat[];
  readonly ptime: number;
  readonly direction: MediaDirection;
  /** a=rtcp-mux when true, else a=rtcp:<rtcpPort>. */
  readonly rtcpMux: boolean;
  readonly rtcpPort: number;
}

export function audioAttributes(options: AudioLineOptions): string[] {
  const attributes: string[] = [];
  for (const { payloadType, name, clockRate, channels, fmtp } of options.formats) {
    const channelSuffix = channels === 1 ? '' : `/${channels}`;
    attributes.push(`rtpmap:${payloadType} ${name}/${clockRate}${channelSuffix}`);
    if (fmtp !== null && fmtp !== '') attributes.push(`fmtp:${payloadType} ${fmtp}`);
  }
  attributes.push(`ptime:${options.ptime}`, options.direction);
  attributes.push(options.rtcpMux ? 'rtcp-mux' : `rtcp:${options.rtcpPort}`);
  return attributes;
}

/** A descriptor as a format line with payload type `payloadType` and `fmtp` (default: the descriptor's own). */
export function lineFormat(codec: CodecDescriptor, payloadType: number, clockRate = codec.clockRate, fmtp?: string | null): AudioLineFormat {
  const ownFmtp = codec.defaultFmtp ? formatFmtp(codec.defaultFmtp) : null;
  return { payloadType, name: codec.name, clockRate, channels: codec.channels, fmtp: fmtp === undefined ? ownFmtp : fmtp };
}
