/**
 * L16 (RFC 3551 §4.5.11): uncompressed 16-bit signed PCM in network byte
 * order (big-endian), here at 16 kHz mono on a dynamic payload type (the
 * static types 10 and 11 are 44.1 kHz). For internal links and tests: it
 * costs 256 kbit/s, so it is never in the default offer.
 */
import type { AudioDecoder, AudioEncoder, CodecDescriptor } from './codec.js';

const L16_RATE = 16000;
const BYTES_PER_MS = (L16_RATE / 1000) * 2;

const encoder: AudioEncoder = {
  encode(pcm, out) {
    const n = Math.min(pcm.length, out.length >> 1);
    for (let i = 0; i < n; i++) {
      const s = pcm[i] as number;
      out[2 * i] = (s >> 8) & 0xff;
      out[2 * i + 1] = s & 0xff;
    }
    return 2 * n;
  },
};

const decoder: AudioDecoder = {
  decode(payload, out) {
    const n = Math.min(payload.length >> 1, out.length);
    // Writing the unsigned 16-bit value into an Int16Array wraps it to the signed sample.
    for (let i = 0; i < n; i++) out[i] = ((payload[2 * i] as number) << 8) | (payload[2 * i + 1] as number);
    return n;
  },
};

export const l16: CodecDescriptor = Object.freeze({
  name: 'L16',
  kind: 'audio',
  defaultPayloadType: 118,
  clockRate: L16_RATE,
  sampleRate: L16_RATE,
  channels: 1,
  ptimes: Object.freeze([20, 10, 30, 40, 60]),
  frameBytes: (ptime: number) => BYTES_PER_MS * ptime,
  createEncoder: () => encoder,
  createDecoder: () => decoder,
} satisfies CodecDescriptor);
