/** media/dtmf: one DTMF stream per leg (RFC 4733, SIP INFO, in-band) and DTMF sending. */
export { DtmfCoalescer, DTMF_DEDUPE_WINDOW_MS, type DtmfEmit, type DtmfCoalescerStats } from './dtmf-coalescer.js';
export { InbandDtmfStage, type InbandDigitListener } from './inband-detect-stage.js';
export { DtmfSendStage, MAX_QUEUED_DIGITS, type DtmfSendTarget, type DtmfSendStats } from './dtmf-send-stage.js';
export { validateDigits, validateReport, validateSendDuration, MIN_DTMF_DURATION_MS, MAX_DTMF_DURATION_MS } from './validate.js';
