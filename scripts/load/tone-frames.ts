/** The load generator's audio: one second of a tone, encoded once and looped by every stream. */
import { findCodec } from '../../codecs/index.js';

export interface GeneratorCodec {
  /** Codec registry name (`PCMU`, `PCMA`, `G722`, `opus`, …). */
  readonly name: string;
  readonly payloadType: number;
  /** RTP clock rate (timestamp units per second). */
  readonly clockRate: number;
  /** PCM sample rate the encoder takes. */
  readonly sampleRate: number;
  readonly channels?: number;
}

export const PCMU_CODEC: GeneratorCodec = { name: 'PCMU', payloadType: 0, clockRate: 8000, sampleRate: 8000 };
export const PCMA_CODEC: GeneratorCodec = { name: 'PCMA', payloadType: 8, clockRate: 8000, sampleRate: 8000 };

/** Codecs whose decode → encode round trip keeps payload bytes (so a frame marker survives an echo). */
const MARKABLE: ReadonlySet<string> = new Set(['PCMU', 'PCMA']);

export function supportsMarker(codec: GeneratorCodec): boolean {
  return MARKABLE.has(codec.name);
}

const LOOP_FRAMES = 50;

/** LOOP_FRAMES consecutive encoded frames of a sine tone (`dbfs` relative to full scale). */
export function encodeToneLoop(codec: GeneratorCodec, hz: number, dbfs: number, frameMs: number): Uint8Array[] {
  const encoder = findCodec(codec.name)?.createEncoder?.({ fmtp: {}, ptime: frameMs });
  if (encoder === undefined) throw new Error(`no encoder for codec ${codec.name}`);
  const samples = (codec.sampleRate * frameMs) / 1000;
  const pcm = new Int16Array(samples);
  const out = new Uint8Array(4 * samples + 64);
  const amplitude = 32767 * 10 ** (dbfs / 20);
  const step = (2 * Math.PI * hz) / codec.sampleRate;
  const frames: Uint8Array[] = [];
  try {
    for (let k = 0; k < LOOP_FRAMES; k++) {
      for (let i = 0; i < samples; i++) pcm[i] = Math.round(amplitude * Math.sin(step * (k * samples + i)));
      const bytes = encoder.encode(pcm, out);
      frames.push(out.slice(0, bytes));
    }
  } finally {
    encoder.close?.();
  }
  return frames;
}
