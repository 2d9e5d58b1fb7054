/**
 * Reading an Opus packet's table-of-contents byte and frame layout (RFC 6716
 * §3.1, §3.2), as libopus's opus_packet_get_* and opus_packet_parse do: what
 * the FEC path needs to know about the packet after a loss.
 */

export const OPUS_MODE_SILK_ONLY = 1000;
export const OPUS_MODE_HYBRID = 1001;
export const OPUS_MODE_CELT_ONLY = 1002;

export const OPUS_BANDWIDTH_NARROWBAND = 1101;
export const OPUS_BANDWIDTH_MEDIUMBAND = 1102;
export const OPUS_BANDWIDTH_WIDEBAND = 1103;
export const OPUS_BANDWIDTH_SUPERWIDEBAND = 1104;
export const OPUS_BANDWIDTH_FULLBAND = 1105;

export interface OpusToc {
  readonly mode: number;
  readonly bandwidth: number;
  /** Samples per frame at `sampleRate`. */
  readonly frameSamples: number;
  readonly streamChannels: 1 | 2;
}

/** Decodes the TOC byte (RFC 6716 §3.1) for a decoder running at `sampleRate`. */
export function readToc(toc: number, sampleRate: number): OpusToc {
  const streamChannels = (toc & 0x04) !== 0 ? 2 : 1;
  if ((toc & 0x80) !== 0) {
    // CELT-only: configs 16..31; 2.5, 5, 10, 20 ms.
    const band = OPUS_BANDWIDTH_MEDIUMBAND + ((toc >> 5) & 0x3);
    return {
      mode: OPUS_MODE_CELT_ONLY,
      bandwidth: band === OPUS_BANDWIDTH_MEDIUMBAND ? OPUS_BANDWIDTH_NARROWBAND : band,
      frameSamples: (sampleRate << ((toc >> 3) & 0x3)) / 400,
      streamChannels,
    };
  }
  if ((toc & 0x60) === 0x60) {
    // Hybrid: configs 12..15; 10 or 20 ms.
    return {
      mode: OPUS_MODE_HYBRID,
      bandwidth: (toc & 0x10) !== 0 ? OPUS_BANDWIDTH_FULLBAND : OPUS_BANDWIDTH_SUPERWIDEBAND,
      frameSamples: (toc & 0x08) !== 0 ? sampleRate / 50 : sampleRate / 100,
      streamChannels,
    };
  }
  // SILK-only: configs 0..11; 10, 20, 40, 60 ms.
  const size = (toc >> 3) & 0x3;
  return {
    mode: OPUS_MODE_SILK_ONLY,
    bandwidth: OPUS_BANDWIDTH_NARROWBAND + ((toc >> 5) & 0x3),
    frameSamples: size === 3 ? (sampleRate * 60) / 1000 : (sampleRate << size) / 100,
    streamChannels,
  };
}

export interface OpusFirstFrame {
  /** Offset of the first frame's data in the packet, and its length in bytes. */
  readonly offset: number;
  readonly length: number;
}

/** Frame-length coding (RFC 6716 §3.2.1): one byte below 252, else two. Null when truncated. */
function frameLength(packet: Uint8Array, at: number): { length: number; bytes: number } | null {
  const first = packet[at];
  if (first === undefined) return null;
  if (first < 252) return { length: first, bytes: 1 };
  const second = packet[at + 1];
  return second === undefined ? null : { length: 4 * second + first, bytes: 2 };
}

/** Where the first frame of `packet` is (codes 0-3, RFC 6716 §3.2); null for a malformed packet. */
export function firstFrame(packet: Uint8Array): OpusFirstFrame | null {
  const toc = packet[0];
  if (toc === undefined) return null;
  const rest = packet.length - 1;
  switch (toc & 0x3) {
    case 0:
      return { offset: 1, length: rest };
    case 1:
      return rest % 2 === 0 ? { offset: 1, length: rest / 2 } : null;
    case 2: {
      const size = frameLength(packet, 1);
      if (size === null || 1 + size.bytes + size.length > packet.length) return null;
      return { offset: 1 + size.bytes, length: size.length };
    }
    default:
      return codeThree(packet);
  }
}

/** Code 3: a frame-count byte (VBR flag, padding flag, count), padding lengths, then frame lengths. */
function codeThree(packet: Uint8Array): OpusFirstFrame | null {
  const header = packet[1];
  if (header === undefined) return null;
  const count = header & 0x3f;
  if (count === 0) return null;
  let at = 2;
  let padding = 0;
  if ((header & 0x40) !== 0) {
    for (;;) {
      const p = packet[at++];
      if (p === undefined) return null;
      padding += p === 255 ? 254 : p;
      if (p !== 255) break;
    }
  }
  const available = packet.length - at - padding;
  if (available < 0) return null;
  if ((header & 0x80) === 0) {
    // CBR: all frames the same length.
    return available % count === 0 ? { offset: at, length: available / count } : null;
  }
  const size = frameLength(packet, at);
  if (size === null) return null;
  let offset = at + size.bytes;
  // The other count-2 lengths follow before the data.
  for (let i = 1; i < count - 1; i++) {
    const next = frameLength(packet, offset);
    if (next === null) return null;
    offset += next.bytes;
  }
  return offset + size.length <= packet.length - padding ? { offset, length: size.length } : null;
}
