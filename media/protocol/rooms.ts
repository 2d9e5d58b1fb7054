/**
 * Conference rooms in the engine contract. A room lives on one media worker;
 * its legs must be created with `group: roomId` so they land on the same one.
 */

export type RoomSampleRate = 8000 | 16000 | 48000;

export interface RoomOptions {
  /** Mixing rate; participants are resampled to and from it. */
  readonly sampleRate: RoomSampleRate;
  /** Only the loudest K talkers are mixed (hysteresis keeps the set stable). */
  readonly maxTalkers: number;
  /** A participant counts as talking when VAD says speech and its level is at or above this (dBFS). */
  readonly talkerThresholdDb: number;
  /** Talking ends after this long below the threshold. */
  readonly talkerHangoverMs: number;
  /** Per-participant input processing for everyone in the room. */
  readonly dsp: { readonly noiseSuppression: boolean; readonly agc: boolean; readonly echoCancellation: boolean };
  /** Beep when someone joins or leaves. */
  readonly joinLeaveTones: boolean;
  /**
   * `vad` (default): talking needs the VAD's speech decision and the level
   * threshold, so steady tones, music on hold and hum do not take a talker
   * slot. `level`: the level threshold alone (energy detection, as Asterisk
   * ConfBridge's talking threshold), for test tones and non-speech sources.
   */
  readonly talkerDetection?: 'vad' | 'level';
}

export interface ParticipantSettings {
  readonly muted: boolean;
  /** A deaf participant hears nothing. */
  readonly deaf: boolean;
  /** Gain on what the participant says, dB (−24…+24). */
  readonly volumeInDb: number;
  /** Gain on what the participant hears, dB (−24…+24). */
  readonly volumeOutDb: number;
}

export interface ParticipantState extends ParticipantSettings {
  readonly legId: string;
  readonly talking: boolean;
  /** Input level of the last tick, dBFS (−127 for silence). */
  readonly levelDb: number;
  /** Whether the participant is among the mixed talkers right now. */
  readonly mixed: boolean;
}

export interface RoomStats {
  readonly roomId: string;
  readonly sampleRate: RoomSampleRate;
  readonly participants: readonly ParticipantState[];
  /** Ticks mixed since the room was created. */
  readonly ticks: number;
  /** Distinct encodings of the shared mix produced last tick (one per codec+ptime among listeners). */
  readonly sharedEncodings: number;
  /** The shared encodings kept (one per output format: codec/clock|ptime|PCM rate|fmtp|volume out). */
  readonly sharedOutputs: readonly SharedOutputStats[];
  readonly recording: boolean;
}

export interface SharedOutputStats {
  readonly format: string;
  /** Participants with this output format. */
  readonly members: number;
  /** Of them, those who received the shared encoding last tick (not mixed, not deaf). */
  readonly listeners: number;
  /** Packets encoded since the format appeared (once per packet, however many listen). */
  readonly encodes: number;
}

export interface RoomCommands {
  'room.create': { args: { roomId: string; options: RoomOptions }; result: void };
  /** Adds a leg (created with `group: roomId`) to the room; its audio app becomes the room. */
  'room.join': { args: { roomId: string; legId: string; settings?: Partial<ParticipantSettings> }; result: ParticipantState };
  /** Takes a leg out of the room (its app becomes none). */
  'room.leave': { args: { roomId: string; legId: string }; result: void };
  'room.participant': { args: { roomId: string; legId: string; settings: Partial<ParticipantSettings> }; result: ParticipantState };
  'room.stats': { args: { roomId: string }; result: RoomStats };
  /** Records the room mix (and optionally each participant) to WAV files; stop with `recording.stop`. */
  'room.record': { args: { roomId: string; recordingId: string; path: string; perParticipantDir?: string }; result: void };
  /** Plays a WAV into the room (everyone hears it); stop with `playback.stop`. */
  'room.play': { args: { roomId: string; playbackId: string; path: string; loop?: boolean }; result: void };
  /** Ends the room: participants are detached (their legs stay), recordings finish. Idempotent. */
  'room.close': { args: { roomId: string }; result: void };
}

export type RoomEvent =
  | { readonly type: 'room.joined'; readonly roomId: string; readonly legId: string; readonly count: number }
  | { readonly type: 'room.left'; readonly roomId: string; readonly legId: string; readonly count: number }
  | { readonly type: 'room.talking'; readonly roomId: string; readonly legId: string; readonly talking: boolean; readonly levelDb: number }
  | { readonly type: 'room.participant'; readonly roomId: string; readonly state: ParticipantState }
  | { readonly type: 'room.closed'; readonly roomId: string };
