/** DTMF in the engine contract: RFC 4733, SIP INFO (reported by the control plane) and in-band, one stream. */

export type DtmfSource = 'rfc4733' | 'info' | 'inband';

export interface DtmfCommands {
  /** Sends digits to the leg: RFC 4733 events when negotiated, in-band tones otherwise. */
  'leg.dtmf.send': { args: { legId: string; digits: string; durationMs?: number }; result: void };
  /** A digit the signalling layer received (SIP INFO); de-duplicated with the media's own detections. */
  'leg.dtmf.report': { args: { legId: string; digit: string; durationMs: number; source: 'info' }; result: void };
}
