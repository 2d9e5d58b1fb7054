/**
 * What the admin API needs of conference rooms. The conference app
 * (server/apps/conference) implements `RoomDirectory`; the admin routes and
 * dial-out only call this interface. Every value is plain JSON.
 *
 * Errors: throw `ControlError` (server/control/errors.ts): ERR_NOT_FOUND for
 * an unknown room or participant, ERR_CONFLICT for a room that exists already
 * or is locked, ERR_BAD_REQUEST for options the room cannot take.
 */
import type { RoomSampleRate, VoiceSettings } from '../../media/index.js';
import type { LiveCall } from '../apps/call-context.js';

export interface RoomCreateOptions {
  readonly sampleRate?: RoomSampleRate;
  /** Most participants at once (null or absent: no limit). */
  readonly maxParticipants?: number | null;
  /** Digits a caller must enter (DTMF) to join; absent: none. */
  readonly pin?: string;
  /** Loudest K talkers mixed. */
  readonly maxTalkers?: number;
  readonly joinLeaveTones?: boolean;
  readonly locked?: boolean;
}

export interface RoomSummary {
  readonly name: string;
  readonly participants: number;
  readonly locked: boolean;
  readonly recording: boolean;
  readonly sampleRate: RoomSampleRate;
  readonly maxParticipants: number | null;
  readonly hasPin: boolean;
  /** ms since the epoch. */
  readonly createdAt: number;
}

export interface ParticipantInfo {
  /** The participant's media leg id; every participant operation takes it. */
  readonly id: string;
  readonly callId: string;
  readonly from: string;
  readonly muted: boolean;
  readonly deaf: boolean;
  readonly volumeInDb: number;
  readonly volumeOutDb: number;
  readonly talking: boolean;
  /** Input level, dBFS (−127 for silence). */
  readonly levelDb: number;
  /** Voice preset (or "custom") on the participant's input, null when none. */
  readonly voice: string | null;
  readonly joinedAt: number;
}

export interface RoomDetail extends RoomSummary {
  readonly members: readonly ParticipantInfo[];
}

export interface ParticipantChange {
  readonly muted?: boolean;
  readonly deaf?: boolean;
  readonly volumeInDb?: number;
  readonly volumeOutDb?: number;
}

export interface RoomRecordingRequest {
  readonly recordingId: string;
  /** WAV file of the mix. */
  readonly path: string;
  /** When set, one WAV per participant is written there too. */
  readonly perParticipantDir?: string;
}

export interface RoomPlaybackRequest {
  readonly playbackId: string;
  readonly path: string;
  readonly loop?: boolean;
}

export interface RoomDirectory {
  list(): Promise<RoomSummary[]>;
  /** null when there is no such room. */
  get(name: string): Promise<RoomDetail | null>;
  create(name: string, options: RoomCreateOptions): Promise<RoomSummary>;
  /** Ends the room: every participant's call is hung up. */
  close(name: string): Promise<void>;
  lock(name: string, locked: boolean): Promise<RoomSummary>;
  participants(name: string): Promise<ParticipantInfo[]>;
  updateParticipant(name: string, participantId: string, change: ParticipantChange): Promise<ParticipantInfo>;
  /** Hangs the participant's call up. */
  kick(name: string, participantId: string): Promise<void>;
  /** Sets (null clears) the participant's voice transform. */
  setVoice(name: string, participantId: string, settings: VoiceSettings | null): Promise<ParticipantInfo>;
  /** Starts recording the room; stopped with the engine's `recording.stop` by id. */
  record(name: string, request: RoomRecordingRequest): Promise<void>;
  play(name: string, request: RoomPlaybackRequest): Promise<void>;
  /**
   * The engine `group` a leg must be created with to join `name` (its room
   * id), creating the room with defaults when it does not exist yet.
   */
  mediaGroup(name: string): Promise<string>;
  /** Joins an answered call (dial-out) whose leg was created with `mediaGroup(name)`. */
  join(name: string, call: LiveCall): Promise<ParticipantInfo>;
}
