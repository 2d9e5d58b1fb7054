/** Public surface of the embedded SIP stack. Other folders import from here only. */
export { SipError, type SipErrorCode } from './errors.js';
export { SipCore, CLOSE_BYE_WAIT_MS, type SipCoreOptions } from './sip-core.js';
export { Authenticator, type AuthVerdict } from './auth/authenticator.js';
export { InMemoryLocationService, type LocationService, type Binding } from './registrar/location-service.js';
export type { SipCounters } from './counters.js';
export { parseSipMessage, DEFAULT_MAX_HEADER_LINE_BYTES, type ParseResult, type ParseError, type ParseErrorCode, type ParserLimits } from './parser.js';
export { serializeMessage, serializeRequest, serializeResponse } from './serializer.js';
export { headerValue, headerValues, bodyText, type SipMessage, type SipRequest, type SipResponse, type HeaderField } from './message.js';
export { parseSipUri, formatSipUri, type SipUri } from './uri.js';
export { realScheduler, type Scheduler, type CancelTimer } from './transactions/scheduler.js';
export { sipTimers, T2, T4, type SipTimers } from './transactions/timers.js';
export type { Flow, Destination } from './transport.js';
