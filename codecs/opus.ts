/**
 * Opus (RFC 6716) over RTP (RFC 7587): dynamic payload type, always
 * `opus/48000/2` in SDP whatever the audio (RFC 7587 §7: the RTP clock is
 * 48 kHz and the channel count is fixed at 2 in the rtpmap). We encode and
 * decode mono. libopus 1.4 from opusscript's WASM (opus-wasm.ts), VOIP
 * application; the encoder and decoder run at any of 8/12/16/24/48 kHz
 * (`CodecOptions.sampleRate`), 48 kHz by default. fmtp and the operator's
 * settings (`CodecOptions.localSettings`): opus-fmtp.ts.
 */
import type { CodecDescriptor, CodecOptions } from './codec.js';
import { OpusDecoder } from './opus-decoder.js';
import { OpusEncoder } from './opus-encoder.js';
import { negotiateOpusFmtp, OPUS_DEFAULT_FMTP, opusEncoderSettings, opusLocalFmtp } from './opus-fmtp.js';
import { OPUS_RATES } from './opus-handle.js';

const OPUS_RTP_CLOCK = 48000;
/** 2.5 and 5 ms frames exist too, but no SIP or WebRTC peer asks for them. */
const OPUS_PTIMES: readonly number[] = Object.freeze([20, 10, 40, 60]);

function rate(options: CodecOptions): number {
  const wanted = options.sampleRate ?? OPUS_RTP_CLOCK;
  return OPUS_RATES.includes(wanted) ? wanted : OPUS_RTP_CLOCK;
}

export const opus: CodecDescriptor = Object.freeze({
  name: 'opus',
  kind: 'audio',
  defaultPayloadType: 111,
  clockRate: OPUS_RTP_CLOCK,
  sampleRate: OPUS_RTP_CLOCK,
  sampleRates: OPUS_RATES,
  channels: 2,
  ptimes: OPUS_PTIMES,
  defaultFmtp: OPUS_DEFAULT_FMTP,
  negotiateFmtp: negotiateOpusFmtp,
  localFmtp: opusLocalFmtp,
  createEncoder: (options: CodecOptions) => new OpusEncoder(opusEncoderSettings(options.fmtp, rate(options), options.localSettings?.opus)),
  createDecoder: (options: CodecOptions) => new OpusDecoder(rate(options)),
} satisfies CodecDescriptor);
