/**
 * The codec contract. Every codec is one file exporting a `CodecDescriptor`;
 * negotiation (server/sdp) and the media path (media/) read descriptors only
 * and never switch on codec names.
 */
import type { LocalCodecSettings } from './local-settings.js';

/** Encodes one frame of 16-bit PCM at the descriptor's `sampleRate`. */
export interface AudioEncoder {
  /**
   * Encodes `pcm` (mono, `sampleRate`) into `out` and returns the number of
   * bytes written. `out` is supplied by the caller so the hot path allocates nothing.
   */
  encode(pcm: Int16Array, out: Uint8Array): number;
  /**
   * Optional: encoded frames of at most this many bytes are discontinuous
   * transmission (DTX) frames, which the packetizer does not send (Opus with
   * DTX on: 1–2 byte packets, RFC 7587 §3.1.3). Absent or 0: every frame is sent.
   */
  readonly dtxMaxBytes?: number;
  /** Optional: releases native (WASM) memory now instead of at garbage collection. */
  close?(): void;
}

/** Decodes one RTP payload into 16-bit PCM at the descriptor's `sampleRate`. */
export interface AudioDecoder {
  /** Decodes `payload` into `out` and returns the number of samples written. */
  decode(payload: Uint8Array, out: Int16Array): number;
  /**
   * Optional codec-native concealment of `samples` missing samples
   * (Opus PLC, for example). Returns samples written; codecs without it let
   * the media path use its generic concealment.
   */
  conceal?(out: Int16Array, samples: number): number;
  /**
   * Optional in-band forward error correction (Opus LBRR): rebuilds the
   * `samples` samples just before `nextPayload` (the packet that follows a
   * loss) from the redundancy it carries, concealing what it does not cover.
   * Returns samples written. Call it before decoding `nextPayload` itself.
   */
  decodeFec?(nextPayload: Uint8Array, out: Int16Array, samples: number): number;
  /** Optional: releases native (WASM) memory now instead of at garbage collection. */
  close?(): void;
}

/** Options the media path passes when it builds an encoder/decoder for a leg. */
export interface CodecOptions {
  /** Negotiated `a=fmtp` parameters, already parsed into key/value pairs. */
  readonly fmtp: Readonly<Record<string, string>>;
  /** Packet time in milliseconds the encoder will be fed. */
  readonly ptime: number;
  /**
   * PCM rate wanted, for codecs that can run at several (`sampleRates`);
   * default `sampleRate`.
   */
  readonly sampleRate?: number;
  /**
   * The operator's settings (config `codecs`); each codec reads its own
   * section, capped by what `fmtp` allows. Absent: the built-in defaults.
   */
  readonly localSettings?: LocalCodecSettings;
}

/** What fmtp negotiation settles for one codec (see `CodecDescriptor.negotiateFmtp`). */
export interface FmtpNegotiation {
  /** The fmtp we write in our SDP for this codec: what we want to receive. */
  readonly local: Readonly<Record<string, string>>;
  /** What our encoder must honour, passed to `createEncoder` as `CodecOptions.fmtp`. */
  readonly send: Readonly<Record<string, string>>;
}

export interface CodecDescriptor {
  /** SDP encoding name as it appears in a=rtpmap (case-insensitive on the wire). */
  readonly name: string;
  /** 'audio' codecs carry sound; 'event' codecs (telephone-event) carry DTMF. */
  readonly kind: 'audio' | 'event';
  /** Static RTP payload type (RFC 3551), or undefined for dynamic-only codecs. */
  readonly staticPayloadType?: number;
  /** Payload type we offer when the codec has no static one. */
  readonly defaultPayloadType: number;
  /** RTP clock rate as written in SDP (G.722 says 8000 although it carries 16 kHz audio). */
  readonly clockRate: number;
  /** Sample rate of the PCM the encoder takes and the decoder produces. */
  readonly sampleRate: number;
  readonly channels: number;
  /** Packet times (ms) this codec can produce; the first is preferred. */
  readonly ptimes: readonly number[];
  /** Default fmtp we put in offers and answers, if any. */
  readonly defaultFmtp?: Readonly<Record<string, string>>;
  /** PCM rates the encoder/decoder can run at (CodecOptions.sampleRate), when more than `sampleRate`. */
  readonly sampleRates?: readonly number[];
  /**
   * Per-codec fmtp negotiation (the codec's RTP payload format RFC):
   * `local` is what we declare (`defaultFmtp` unless configured), `remote`
   * what the far end declared (null when its SDP has no fmtp for it). Codecs
   * without it declare `local` and send with `remote` as it is.
   */
  negotiateFmtp?(local: Readonly<Record<string, string>>, remote: Readonly<Record<string, string>> | null): FmtpNegotiation;
  /**
   * Optional: the fmtp we declare when the operator's settings shape it
   * (Opus: useinbandfec, usedtx, maxaveragebitrate); `defaultFmtp` otherwise.
   */
  localFmtp?(settings: LocalCodecSettings): Readonly<Record<string, string>>;
  /** Bytes of encoded payload for one frame of `ptime` ms, when constant (CBR codecs). */
  frameBytes?(ptime: number): number;
  createEncoder?(options: CodecOptions): AudioEncoder;
  createDecoder?(options: CodecOptions): AudioDecoder;
}
