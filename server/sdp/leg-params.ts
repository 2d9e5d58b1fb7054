/** Builds the media plane's `LegParams` from what offer/answer settled, for both directions of negotiation. */
import type { CodecDescriptor } from '../../codecs/index.js';
import type { LegParams, SrtpParams } from '../../media/protocol.js';
import type { SdpFormat } from './model.js';
import type { RemoteSide } from './remote-media.js';

export interface Settled {
  readonly side: RemoteSide;
  readonly codec: CodecDescriptor;
  readonly payloadType: number;
  /** The fmtp our encoder must honour (what the far end asked to receive). */
  readonly sendFmtp: Readonly<Record<string, string>>;
  readonly event: SdpFormat | null;
  readonly ptime: number;
  /** Settled SDES keys, null for plain RTP. */
  readonly srtp: SrtpParams | null;
}

export function toLegParams({ side, codec, payloadType, sendFmtp, event, ptime, srtp }: Settled): LegParams {
  return {
    remote: side.remote,
    rtcpMux: side.rtcpMux,
    codec: { name: codec.name, payloadType, clockRate: codec.clockRate, channels: codec.channels, fmtp: sendFmtp },
    telephoneEvent: event ? { payloadType: event.payloadType, clockRate: event.clockRate } : null,
    ptime,
    direction: side.direction,
    // Plain RTP legs carry no srtp key at all.
    ...(srtp === null ? {} : { srtp }),
  };
}
