/** Public surface of server/sdp: RFC 3264 offer/answer on sdp-transform. */
export { SdpError, type SdpErrorCode } from './errors.js';
export type { SdpPolicy } from './policy.js';
export { createSession, type SdpSession } from './session.js';
export { answerOffer, type OfferAnswer } from './answer.js';
export { createOffer, acceptAnswer } from './offer.js';
export { parseSdp, MAX_SDP_LENGTH } from './parse-sdp.js';
export type { ParsedSdp, SdpMediaSection, SdpFormat, SdpConnection } from './model.js';
