/** Recording and playback at leg level (rooms use the same ids and events). */

/** What to record of a leg: what it sent us, what we sent it, or both (stereo: left in, right out). */
export type RecordDirection = 'in' | 'out' | 'both';

export interface RecordingInfo {
  readonly recordingId: string;
  readonly path: string;
  readonly durationMs: number;
  readonly bytes: number;
}

export interface RecordingCommands {
  /** Starts writing the leg's audio to a WAV file; writes happen off the media path. */
  'leg.record': { args: { legId: string; recordingId: string; path: string; direction: RecordDirection }; result: void };
  /** Stops a leg or room recording and finishes its file(s). */
  'recording.stop': { args: { recordingId: string }; result: RecordingInfo };
  /**
   * Plays a WAV file into a leg: `replace` sends the file instead of the
   * app's audio, `mix` adds it. Stop with `playback.stop`.
   */
  'leg.play': { args: { legId: string; playbackId: string; path: string; loop?: boolean; mode?: 'replace' | 'mix' }; result: void };
  'playback.stop': { args: { playbackId: string }; result: void };
}

export type RecordingEvent =
  | ({ readonly type: 'recording.done'; readonly error?: string } & RecordingInfo)
  | { readonly type: 'playback.done'; readonly playbackId: string; readonly reason: 'ended' | 'stopped' | 'error' };
