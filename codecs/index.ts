/** Public surface of codecs/: descriptors, the registry and RFC 4733 helpers. */
export type { CodecDescriptor, AudioEncoder, AudioDecoder, CodecOptions } from './codec.js';
export { audioCodecs, findCodec } from './registry.js';
export { pcmu } from './pcmu.js';
export { pcma } from './pcma.js';
export {
  telephoneEvent,
  parseTelephoneEvent,
  writeTelephoneEvent,
  dtmfDigit,
  TELEPHONE_EVENT_PAYLOAD_BYTES,
  type DtmfEventPayload,
} from './telephone-event.js';
export { TelephoneEventReceiver, type DtmfReport } from './telephone-event-receiver.js';
