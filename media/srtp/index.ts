/** media/srtp: SDES-keyed SRTP/SRTCP (RFC 3711, RFC 4568 suites) for the RTP endpoint. */
export { createSrtpSession, decodeMasterKey, estimateRoc, SrtpError, SRTP_TAG_BYTES, type SrtpCounters, type SrtpSession } from './srtp-session.js';
export { ReplayWindow, REPLAY_WINDOW } from './replay-window.js';
export { deriveKeys, packetIv } from './key-derivation.js';
