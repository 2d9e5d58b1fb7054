/**
 * Opus decoder (libopus 1.4 from opusscript's WASM) with the two loss tools
 * libopus offers: packet loss concealment for exactly the missing duration
 * (`conceal`) and in-band FEC (`decodeFec`: the LBRR copy of the lost frame
 * carried by the next packet). Decodes any Opus packet at its sample rate.
 */
import type { AudioDecoder } from './codec.js';
import { DECODER_FIELD, OPUS_MAX_FRAME, OPUS_MAX_PACKET, OpusHandle } from './opus-handle.js';
import { firstFrame, OPUS_MODE_CELT_ONLY, readToc } from './opus-packet.js';

export class OpusDecoder implements AudioDecoder {
  readonly sampleRate: number;
  readonly #handle: OpusHandle;
  readonly #in: number;
  readonly #out: number;
  readonly #float: number;
  /** Concealment runs in whole 2.5 ms steps (libopus's smallest frame). */
  readonly #step: number;

  constructor(sampleRate: number, channels: 1 | 2 = 1) {
    this.sampleRate = sampleRate;
    this.#handle = new OpusHandle(this, sampleRate, channels);
    this.#in = this.#handle.alloc(OPUS_MAX_PACKET);
    // opusscript's _decode writes one 16-bit slot per PCM byte: 4 bytes per sample.
    this.#out = this.#handle.alloc(OPUS_MAX_FRAME * channels * 4);
    this.#float = this.#handle.alloc(OPUS_MAX_FRAME * channels * 4);
    this.#step = sampleRate / 400;
  }

  /** Decodes one packet into `out`; returns samples written (0 for a bad packet; never throws). */
  decode(payload: Uint8Array, out: Int16Array): number {
    const handle = this.#handle;
    if (handle.closed || payload.length === 0 || payload.length > OPUS_MAX_PACKET) return 0;
    const u8 = handle.u8;
    for (let i = 0; i < payload.length; i++) u8[this.#in + i] = payload[i] as number;
    const samples = handle.wasm.decode(handle.handler, this.#in, payload.length, this.#out);
    return samples > 0 ? this.#copyShorts(out, 0, samples) : 0;
  }

  /** libopus PLC for exactly `samples` samples (rounded up to 2.5 ms inside the decoder). */
  conceal(out: Int16Array, samples: number): number {
    return this.#conceal(out, 0, samples);
  }

  /**
   * Rebuilds the `samples` samples just before `next` (the packet after a
   * loss) from its in-band FEC, the way opus_decode(…, decode_fec=1) does in
   * libopus 1.4: the last frame's worth from the LBRR data, anything before
   * it by concealment; all concealment when `next` has no SILK layer.
   */
  decodeFec(next: Uint8Array, out: Int16Array, samples: number): number {
    const handle = this.#handle;
    const toc = next[0];
    const frame = firstFrame(next);
    if (handle.closed || toc === undefined || frame === null || next.length > OPUS_MAX_PACKET) return this.conceal(out, samples);
    const packet = readToc(toc, this.sampleRate);
    const st = handle.decoderState;
    const field = (offset: number): number => (st + offset) >> 2;
    const i32 = handle.i32;
    if (samples < packet.frameSamples || packet.mode === OPUS_MODE_CELT_ONLY || i32[field(DECODER_FIELD.mode)] === OPUS_MODE_CELT_ONLY) {
      return this.conceal(out, samples);
    }
    const before = samples - packet.frameSamples;
    if (before > 0 && this.#conceal(out, 0, before) !== before) return 0;
    i32[field(DECODER_FIELD.mode)] = packet.mode;
    i32[field(DECODER_FIELD.bandwidth)] = packet.bandwidth;
    i32[field(DECODER_FIELD.frameSize)] = packet.frameSamples;
    i32[field(DECODER_FIELD.streamChannels)] = packet.streamChannels;
    const u8 = handle.u8;
    for (let i = 0; i < frame.length; i++) u8[this.#in + i] = next[frame.offset + i] as number;
    const wasm = handle.wasm;
    wasm.setDecodeFec(true);
    const decoded = wasm.decodeFrame(st, this.#in, frame.length, this.#float, packet.frameSamples);
    wasm.setDecodeFec(false);
    if (decoded < 0) return before + this.#conceal(out, before, packet.frameSamples);
    this.#copyFloats(out, before, packet.frameSamples);
    handle.i32[field(DECODER_FIELD.lastPacketDuration)] = samples;
    return samples;
  }

  /** Frees the WASM memory now (otherwise it goes when this object is collected). Idempotent. */
  close(): void {
    this.#handle.close();
  }

  #conceal(out: Int16Array, at: number, samples: number): number {
    const handle = this.#handle;
    if (handle.closed || samples <= 0) return 0;
    const steps = Math.min(OPUS_MAX_FRAME, Math.ceil(samples / this.#step) * this.#step);
    handle.wasm.setFrameSize(steps);
    const produced = handle.wasm.decode(handle.handler, this.#in, 0, this.#out);
    handle.wasm.setFrameSize(OPUS_MAX_FRAME);
    if (produced <= 0) return 0;
    return this.#copyShorts(out, at, Math.min(samples, produced));
  }

  /** Reads opusscript's byte-per-slot output (low byte, high byte) into `out[at…]`. */
  #copyShorts(out: Int16Array, at: number, samples: number): number {
    const u16 = this.#handle.u16;
    const base = this.#out >> 1;
    const n = Math.min(samples * this.#handle.channels, out.length - at);
    for (let i = 0; i < n; i++) {
      out[at + i] = (u16[base + 2 * i] as number) | ((u16[base + 2 * i + 1] as number) << 8);
    }
    return n / this.#handle.channels;
  }

  /** libopus's FLOAT2INT16: scale by 32768, clamp, round. */
  #copyFloats(out: Int16Array, at: number, samples: number): void {
    const f32 = this.#handle.f32;
    const base = this.#float >> 2;
    const n = Math.min(samples * this.#handle.channels, out.length - at);
    for (let i = 0; i < n; i++) {
      const x = (f32[base + i] as number) * 32768;
      out[at + i] = x >= 32767 ? 32767 : x <= -32768 ? -32768 : Math.round(x);
    }
  }
}
