/** G.711 µ-law, RTP static payload type 0 (RFC 3551 §4.5.14). */
import type { CodecDescriptor } from './codec.js';
import { g711Descriptor } from './g711.js';
import { ULAW_DECODE, ULAW_ENCODE } from './g711-tables.js';

export const pcmu: CodecDescriptor = g711Descriptor({
  name: 'PCMU',
  staticPayloadType: 0,
  encodeTable: ULAW_ENCODE,
  decodeTable: ULAW_DECODE,
});
