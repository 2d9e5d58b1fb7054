/** server/control: the control-plane service behind the admin API (and for apps embedding voxbridge). */
export { ControlPlane, type ControlPlaneOptions, type CallInfo, type SipCounters } from './control-plane.js';
export { CallDirectory, type CallChange } from './call-directory.js';
export { ControlError, STATUS_OF, notFound, type ControlErrorCode } from './errors.js';
export { EventHub, type AdminEvent, type AdminEventListener, type UnstampedEvent } from './events.js';
export { DialOutService, type DialOutInfo, type DialOutRequest, type DialState } from './dial-out.js';
export { RecordingService, type RecordingEntry, type RecordTarget, type PlayTarget } from './recordings.js';
export { VoiceProfileStore, type VoiceProfileBuilder, type VoiceProfileInfo } from './voice-profiles.js';
export { gracefulShutdown, type GracefulShutdownOptions, type ShutdownReport } from './shutdown.js';
export { redactConfig, REDACTED } from './redact.js';
export type * from './rooms.js';
