/** Public surface of codecs/: descriptors, the registry and RFC 4733 helpers. */
export type { CodecDescriptor, AudioEncoder, AudioDecoder, CodecOptions, FmtpNegotiation } from './codec.js';
export { audioCodecs, findCodec, sdpFmtpFromConfig } from './registry.js';
export { DEFAULT_LOCAL_CODEC_SETTINGS, OPUS_LOCAL_DEFAULTS, type LocalCodecSettings, type OpusLocalSettings } from './local-settings.js';
export { pcmu } from './pcmu.js';
export { pcma } from './pcma.js';
export { g722 } from './g722.js';
export { G722Encoder } from './g722-encoder.js';
export { G722Decoder } from './g722-decoder.js';
export { opus } from './opus.js';
export { OpusEncoder, OPUS_DTX_MAX_BYTES, type OpusEncoderSettings } from './opus-encoder.js';
export { OpusDecoder } from './opus-decoder.js';
export { opusEncoderSettings, opusLocalFmtp, OPUS_DEFAULT_BITRATE, OPUS_DEFAULT_COMPLEXITY } from './opus-fmtp.js';
export { OpusError } from './opus-handle.js';
export { OpusWasmError } from './opus-wasm.js';
export { l16 } from './l16.js';
export {
  telephoneEvent,
  parseTelephoneEvent,
  writeTelephoneEvent,
  dtmfDigit,
  TELEPHONE_EVENT_PAYLOAD_BYTES,
  type DtmfEventPayload,
} from './telephone-event.js';
export { TelephoneEventReceiver, type DtmfReport } from './telephone-event-receiver.js';
export { TelephoneEventSender, dtmfEventCode, type TelephoneEventPacket, type TelephoneEventSenderOptions } from './telephone-event-sender.js';
