/** G.711 A-law, RTP static payload type 8 (RFC 3551 §4.5.14). */
import type { CodecDescriptor } from './codec.js';
import { g711Descriptor } from './g711.js';
import { ALAW_DECODE, ALAW_ENCODE } from './g711-tables.js';

export const pcma: CodecDescriptor = g711Descriptor({
  name: 'PCMA',
  staticPayloadType: 8,
  encodeTable: ALAW_ENCODE,
  decodeTable: ALAW_DECODE,
});
