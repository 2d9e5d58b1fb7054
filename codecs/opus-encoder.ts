/**
 * Opus encoder (libopus 1.4 from opusscript's WASM, VOIP application, voice
 * signal): one frame of 16-bit PCM per call, 2.5 to 60 ms. Settings come from
 * `OpusEncoderSettings` (the descriptor derives them from the far end's fmtp).
 */
import type { AudioEncoder } from './codec.js';
import { OPUS_MAX_FRAME, OPUS_MAX_PACKET, OpusError, OpusHandle } from './opus-handle.js';

/** libopus encoder CTL requests (include/opus_defines.h). */
const CTL = {
  setBitrate: 4002,
  setMaxBandwidth: 4004,
  setVbr: 4006,
  setComplexity: 4010,
  setInbandFec: 4012,
  setPacketLossPerc: 4014,
  setDtx: 4016,
  setSignal: 4024,
} as const;
const SIGNAL_VOICE = 3001;
/**
 * With DTX on, libopus returns packets of 1 byte (TOC only) or 2 for frames
 * that need not be sent (RFC 7587 §3.1.3); WebRTC treats ≤ 2 bytes the same way.
 */
export const OPUS_DTX_MAX_BYTES = 2;

export interface OpusEncoderSettings {
  /** 8000, 12000, 16000, 24000 or 48000. */
  readonly sampleRate: number;
  readonly channels?: 1 | 2;
  /** Target bitrate in bit/s (500..512000). */
  readonly bitrate: number;
  /** 0 (fastest) .. 10 (best). */
  readonly complexity: number;
  /** Discontinuous transmission: 1-byte packets (TOC only) in silence. */
  readonly dtx: boolean;
  /** In-band FEC (LBRR): each packet carries a low-rate copy of the previous frame. */
  readonly fec: boolean;
  /** Loss the encoder plans for; LBRR is only coded when this is above 0. */
  readonly packetLossPercent: number;
  /** Constant bitrate instead of VBR. */
  readonly cbr: boolean;
  /** Highest audio bandwidth, an OPUS_BANDWIDTH_* value (from the far end's maxplaybackrate). */
  readonly maxBandwidth: number;
}

export class OpusEncoder implements AudioEncoder {
  readonly settings: OpusEncoderSettings;
  readonly dtxMaxBytes: number;
  readonly #handle: OpusHandle;
  readonly #pcm: number;
  readonly #out: number;

  constructor(settings: OpusEncoderSettings) {
    this.settings = settings;
    this.dtxMaxBytes = settings.dtx ? OPUS_DTX_MAX_BYTES : 0;
    this.#handle = new OpusHandle(this, settings.sampleRate, settings.channels ?? 1);
    // opusscript's _encode reads one 16-bit slot per PCM byte: 4 bytes per sample.
    this.#pcm = this.#handle.alloc(OPUS_MAX_FRAME * this.#handle.channels * 4);
    this.#out = this.#handle.alloc(OPUS_MAX_PACKET);
    this.#ctl(CTL.setSignal, SIGNAL_VOICE);
    this.#ctl(CTL.setBitrate, settings.bitrate);
    this.#ctl(CTL.setComplexity, settings.complexity);
    this.#ctl(CTL.setDtx, settings.dtx ? 1 : 0);
    this.#ctl(CTL.setInbandFec, settings.fec ? 1 : 0);
    this.#ctl(CTL.setPacketLossPerc, settings.packetLossPercent);
    this.#ctl(CTL.setVbr, settings.cbr ? 0 : 1);
    this.#ctl(CTL.setMaxBandwidth, settings.maxBandwidth);
  }

  /**
   * Encodes one frame (`pcm.length / channels` samples per channel, a legal
   * Opus frame size) into `out`; returns the packet length, or 0 when the
   * frame size is illegal or `out` too short (never throws).
   */
  encode(pcm: Int16Array, out: Uint8Array): number {
    const handle = this.#handle;
    if (handle.closed) return 0;
    const samples = pcm.length;
    const frame = samples / handle.channels;
    if (!Number.isInteger(frame) || frame > OPUS_MAX_FRAME) return 0;
    const u16 = handle.u16;
    const base = this.#pcm >> 1;
    for (let i = 0; i < samples; i++) {
      const s = pcm[i] as number;
      u16[base + 2 * i] = s & 0xff;
      u16[base + 2 * i + 1] = (s >> 8) & 0xff;
    }
    const length = handle.wasm.encode(handle.handler, this.#pcm, samples, this.#out, frame);
    if (length <= 0 || length > out.length) return 0;
    const u8 = handle.u8;
    const from = this.#out;
    for (let i = 0; i < length; i++) out[i] = u8[from + i] as number;
    return length;
  }

  /** Frees the WASM memory now (otherwise it goes when this object is collected). Idempotent. */
  close(): void {
    this.#handle.close();
  }

  #ctl(request: number, value: number): void {
    const result = this.#handle.wasm.encoderCtl(this.#handle.handler, request, value);
    if (result < 0) throw new OpusError('ERR_OPUS_CTL', `Opus encoder refused CTL ${request} = ${value} (error ${result})`);
  }
}
