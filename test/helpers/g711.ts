/**
 * A tiny, independent G.711 (µ-law and A-law) for the test client and audio
 * oracles. It is the plain segment algorithm from the ITU reference (as in
 * Sun's g711.c), written here on purpose so tests never decode with the code
 * they are testing (codecs/).
 */

export type G711Law = 'PCMU' | 'PCMA';

const ULAW_BIAS = 0x84;
const ULAW_CLIP = 32635;

/** Encodes one linear sample to µ-law. */
export function linearToUlaw(sample: number): number {
  let pcm = Math.max(-32768, Math.min(32767, Math.round(sample)));
  const sign = pcm < 0 ? 0x80 : 0;
  if (pcm < 0) pcm = -pcm;
  pcm = Math.min(pcm, ULAW_CLIP) + ULAW_BIAS;
  // Segment = position of the highest set bit above bit 7 (0..7).
  let exponent = 7;
  for (let mask = 0x4000; (pcm & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (pcm >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

/** Decodes one µ-law byte to a linear sample. */
export function ulawToLinear(byte: number): number {
  const u = ~byte & 0xff;
  const magnitude = ((((u & 0x0f) << 3) + ULAW_BIAS) << ((u & 0x70) >> 4)) - ULAW_BIAS;
  return (u & 0x80) !== 0 ? -magnitude : magnitude;
}

/** Upper bounds of the 13-bit magnitude in each A-law segment. */
const ALAW_SEGMENT_END = [0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff] as const;

/** Encodes one linear sample to A-law (even bits inverted, as on the wire). */
export function linearToAlaw(sample: number): number {
  let pcm = Math.max(-32768, Math.min(32767, Math.round(sample))) >> 3;
  let mask: number;
  if (pcm >= 0) {
    mask = 0xd5;
  } else {
    mask = 0x55;
    pcm = -pcm - 1;
  }
  const segment = ALAW_SEGMENT_END.findIndex((end) => pcm <= end);
  if (segment < 0) return 0x7f ^ mask;
  const mantissa = segment < 2 ? (pcm >> 1) & 0x0f : (pcm >> segment) & 0x0f;
  return ((segment << 4) | mantissa) ^ mask;
}

/** Decodes one A-law byte to a linear sample. */
export function alawToLinear(byte: number): number {
  const a = (byte ^ 0x55) & 0xff;
  const segment = (a & 0x70) >> 4;
  let magnitude = ((a & 0x0f) << 4) + 8;
  if (segment >= 1) magnitude = (magnitude + 0x100) << (segment - 1);
  return (a & 0x80) !== 0 ? magnitude : -magnitude;
}

const ENCODERS: Readonly<Record<G711Law, (sample: number) => number>> = { PCMU: linearToUlaw, PCMA: linearToAlaw };
const DECODERS: Readonly<Record<G711Law, (byte: number) => number>> = { PCMU: ulawToLinear, PCMA: alawToLinear };

export function g711Encode(law: G711Law, pcm: Int16Array): Uint8Array {
  const encode = ENCODERS[law];
  const out = new Uint8Array(pcm.length);
  for (let i = 0; i < pcm.length; i++) out[i] = encode(pcm[i] ?? 0);
  return out;
}

export function g711Decode(law: G711Law, payload: Uint8Array): Int16Array {
  const decode = DECODERS[law];
  const out = new Int16Array(payload.length);
  for (let i = 0; i < payload.length; i++) out[i] = decode(payload[i] ?? 0);
  return out;
}

/** Static RTP payload types (RFC 3551) of the two laws. */
export const G711_PAYLOAD_TYPE: Readonly<Record<G711Law, number>> = { PCMU: 0, PCMA: 8 };
