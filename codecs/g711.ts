/**
 * The shared shape of the two G.711 descriptors: 8 kHz mono, one byte per
 * sample, stateless table lookups, so encoders and decoders are singletons.
 */
import type { AudioDecoder, AudioEncoder, CodecDescriptor } from './codec.js';
import { decodeWithTable, encodeWithTable } from './g711-tables.js';

const G711_RATE = 8000;
/** RFC 3551 §4.5.14: any multiple of 10 ms up to 60 is fine for G.711; 20 is the default. */
const G711_PTIMES: readonly number[] = Object.freeze([20, 10, 30, 40, 60]);

export interface G711Spec {
  readonly name: string;
  readonly staticPayloadType: number;
  readonly encodeTable: Uint8Array;
  readonly decodeTable: Int16Array;
}

export function g711Descriptor(spec: G711Spec): CodecDescriptor {
  const { encodeTable, decodeTable } = spec;
  const encoder: AudioEncoder = { encode: (pcm, out) => encodeWithTable(encodeTable, pcm, out) };
  const decoder: AudioDecoder = { decode: (payload, out) => decodeWithTable(decodeTable, payload, out) };
  return Object.freeze({
    name: spec.name,
    kind: 'audio',
    staticPayloadType: spec.staticPayloadType,
    defaultPayloadType: spec.staticPayloadType,
    clockRate: G711_RATE,
    sampleRate: G711_RATE,
    channels: 1,
    ptimes: G711_PTIMES,
    // One byte per sample: 8 bytes per millisecond.
    frameBytes: (ptime: number) => (G711_RATE / 1000) * ptime,
    createEncoder: () => encoder,
    createDecoder: () => decoder,
  } satisfies CodecDescriptor);
}
