/**
 * G.722 at 64 kbit/s, RTP static payload type 9 (RFC 3551 §4.5.2). Its RTP
 * clock is 8000 Hz although it carries 16 kHz audio: RFC 1890 wrote it down
 * wrong and everyone kept it. One octet per 16 kHz sample pair, so 8 octets
 * per millisecond. Encoder and decoder are our own TypeScript (g722-*.ts)
 * from ITU-T G.722; each instance keeps its ADPCM state, so one per stream.
 */
import type { CodecDescriptor } from './codec.js';
import { G722Decoder } from './g722-decoder.js';
import { G722Encoder } from './g722-encoder.js';

const G722_SAMPLE_RATE = 16000;
const G722_RTP_CLOCK = 8000;
const OCTETS_PER_MS = 8;

export const g722: CodecDescriptor = Object.freeze({
  name: 'G722',
  kind: 'audio',
  staticPayloadType: 9,
  defaultPayloadType: 9,
  clockRate: G722_RTP_CLOCK,
  sampleRate: G722_SAMPLE_RATE,
  channels: 1,
  ptimes: Object.freeze([20, 10, 30, 40, 60]),
  frameBytes: (ptime: number) => OCTETS_PER_MS * ptime,
  createEncoder: () => new G722Encoder(),
  createDecoder: () => new G722Decoder(),
} satisfies CodecDescriptor);
