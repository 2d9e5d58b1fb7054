/**
 * The conference rooms of this server: which rooms exist, who is in each, and
 * every operation on them. It implements the admin API's `RoomDirectory`, and
 * the conference application (conference-app.ts) joins callers through it.
 * Mixing itself happens in the media engine (room.* commands); this class
 * keeps the control-plane state: names, PINs, locks, members and their calls.
 */
import type { ConferenceConfig } from '../../../config/sections/conference.js';
import type { EngineEvent, MediaEngine, ParticipantState, VoiceSettings } from '../../../media/index.js';
import { ControlError, notFound } from '../../control/errors.js';
import type {
  ParticipantChange,
  ParticipantInfo,
  RoomCreateOptions,
  RoomDetail,
  RoomDirectory,
  RoomPlaybackRequest,
  RoomRecordingRequest,
  RoomSummary,
} from '../../control/rooms.js';
import type { Logger } from '../../logger.js';
import type { LiveCall } from '../call-context.js';
import { ROOM_NAME, roomSettings, type RoomSettings } from './room-settings.js';

interface Member {
  readonly call: LiveCall;
  readonly joinedAt: number;
  voice: string | null;
}

interface Room {
  readonly name: string;
  readonly roomId: string;
  readonly createdAt: number;
  settings: RoomSettings;
  readonly members: Map<string, Member>;
  /** Callers answered but not yet in (PIN entry); they count against the size limit. */
  pending: number;
  recordingIds: Set<string>;
  ready: Promise<void>;
}

export interface ConferenceRoomsOptions {
  readonly engine: MediaEngine;
  readonly config: ConferenceConfig;
  readonly logger: Logger;
}

export class ConferenceRooms implements RoomDirectory {
  readonly #engine: MediaEngine;
  readonly #config: ConferenceConfig;
  readonly #log: Logger;
  readonly #rooms = new Map<string, Room>();
  /** Per-leg DTMF listeners (PIN entry, in-room menu), fed from the engine's leg.dtmf events. */
  readonly #dtmf = new Map<string, (digit: string) => void>();
  readonly #unsubscribe: () => void;

  constructor(options: ConferenceRoomsOptions) {
    this.#engine = options.engine;
    this.#config = options.config;
    this.#log = options.logger.child({ component: 'conference' });
    this.#unsubscribe = this.#engine.onEvent((event) => this.#onEngineEvent(event));
  }

  /** The room a Request-URI user reaches, or null: `conf-NAME`, or a room defined in config by its plain name. */
  roomNameFor(user: string | null): string | null {
    if (user === null) return null;
    if (user.startsWith(this.#config.prefix)) {
      const name = user.slice(this.#config.prefix.length);
      return ROOM_NAME.test(name) ? name : null;
    }
    return this.#config.rooms.some((r) => r.name === user) ? user : null;
  }

  /** Stops listening to the engine (rooms themselves end with their calls). */
  dispose(): void {
    this.#unsubscribe();
  }

  // ---- RoomDirectory -------------------------------------------------------

  async list(): Promise<RoomSummary[]> {
    return [...this.#rooms.values()].map((room) => this.#summary(room));
  }

  async get(name: string): Promise<RoomDetail | null> {
    const room = this.#rooms.get(name);
    if (room === undefined) return null;
    return { ...this.#summary(room), members: await this.participants(name) };
  }

  async create(name: string, options: RoomCreateOptions): Promise<RoomSummary> {
    if (!ROOM_NAME.test(name)) throw new ControlError('ERR_BAD_REQUEST', 'room name must be 1 to 64 letters, digits, _ . -');
    if (this.#rooms.has(name)) throw new ControlError('ERR_CONFLICT', `room "${name}" already exists`);
    if (options.pin !== undefined && !/^[0-9]{1,16}$/.test(options.pin)) throw new ControlError('ERR_BAD_REQUEST', 'pin must be 1 to 16 digits');
    const room = this.#open(name, options);
    await room.ready;
    return this.#summary(room);
  }

  async close(name: string): Promise<void> {
    const room = this.#room(name);
    await Promise.all([...room.members.values()].map((m) => m.call.hangup('conference closed')));
    await this.#end(room);
  }

  async lock(name: string, locked: boolean): Promise<RoomSummary> {
    const room = this.#room(name);
    room.settings = { ...room.settings, locked };
    return this.#summary(room);
  }

  async participants(name: string): Promise<ParticipantInfo[]> {
    const room = this.#room(name);
    const stats = await this.#engine.request('room.stats', { roomId: room.roomId }).catch(() => null);
    const states = new Map((stats?.participants ?? []).map((p) => [p.legId, p]));
    return [...room.members.entries()].map(([legId, member]) => this.#info(legId, member, states.get(legId)));
  }

  async updateParticipant(name: string, participantId: string, change: ParticipantChange): Promise<ParticipantInfo> {
    const room = this.#room(name);
    const member = this.#member(room, participantId);
    const state = await this.#engine.request('room.participant', { roomId: room.roomId, legId: participantId, settings: change });
    return this.#info(participantId, member, state);
  }

  async kick(name: string, participantId: string): Promise<void> {
    const member = this.#member(this.#room(name), participantId);
    await member.call.hangup('removed from the conference');
  }

  async setVoice(name: string, participantId: string, settings: VoiceSettings | null): Promise<ParticipantInfo> {
    const room = this.#room(name);
    const member = this.#member(room, participantId);
    await this.#engine.request('leg.voice', { legId: participantId, settings });
    member.voice = settings === null ? null : (settings.preset ?? 'custom');
    const state = await this.#engine.request('room.participant', { roomId: room.roomId, legId: participantId, settings: {} });
    return this.#info(participantId, member, state);
  }

  async record(name: string, request: RoomRecordingRequest): Promise<void> {
    const room = this.#room(name);
    await this.#engine.request('room.record', { roomId: room.roomId, ...request });
    room.recordingIds.add(request.recordingId);
  }

  async play(name: string, request: RoomPlaybackRequest): Promise<void> {
    const room = this.#room(name);
    await this.#engine.request('room.play', { roomId: room.roomId, ...request });
  }

  async mediaGroup(name: string): Promise<string> {
    if (!ROOM_NAME.test(name)) throw new ControlError('ERR_BAD_REQUEST', 'room name must be 1 to 64 letters, digits, _ . -');
    const room = this.#rooms.get(name) ?? this.#open(name, {});
    await room.ready;
    return room.roomId;
  }

  async join(name: string, call: LiveCall): Promise<ParticipantInfo> {
    const room = this.#room(name);
    await room.ready;
    const state = await this.#engine.request('room.join', { roomId: room.roomId, legId: call.legId });
    const member: Member = { call, joinedAt: Date.now(), voice: null };
    room.members.set(call.legId, member);
    this.#log.info({ room: name, legId: call.legId, count: room.members.size }, 'participant joined');
    return this.#info(call.legId, member, state);
  }

  // ---- used by the conference application ----------------------------------

  /** Opens (or finds) the room a caller dialled, or says why they cannot come in. */
  async admit(name: string): Promise<{ room: Room } | { status: 403 | 486; reason: string }> {
    const room = this.#rooms.get(name) ?? this.#open(name, {});
    await room.ready;
    if (room.settings.locked) return { status: 403, reason: `conference ${name} is locked` };
    const limit = room.settings.maxParticipants;
    if (limit !== null && room.members.size + room.pending >= limit) return { status: 486, reason: `conference ${name} is full (${limit})` };
    room.pending++;
    return { room };
  }

  /** The caller who was admitted left before joining (rejected, hung up during PIN entry). */
  abandon(room: Room): void {
    room.pending = Math.max(0, room.pending - 1);
    if (room.members.size === 0 && room.pending === 0) void this.#end(room);
  }

  /** Joins an admitted caller whose media runs. */
  async enter(room: Room, call: LiveCall): Promise<void> {
    try {
      await this.join(room.name, call);
    } finally {
      // Still counted against the size limit until it is a member.
      room.pending = Math.max(0, room.pending - 1);
    }
  }

  /** A member's call ended: take it out, and end the room with its last member. */
  async leave(room: Room, legId: string): Promise<void> {
    this.#dtmf.delete(legId);
    if (!room.members.delete(legId)) return;
    this.#log.info({ room: room.name, legId, count: room.members.size }, 'participant left');
    // The leg is usually closed already (the engine dropped it from the room); a live one is taken out.
    await this.#engine.request('room.leave', { roomId: room.roomId, legId }).catch(() => undefined);
    if (room.members.size === 0 && room.pending === 0) await this.#end(room);
  }

  roomId(room: Room): string {
    return room.roomId;
  }

  pinOf(room: Room): string | null {
    return room.settings.pin;
  }

  onDtmf(legId: string, listener: ((digit: string) => void) | null): void {
    if (listener === null) this.#dtmf.delete(legId);
    else this.#dtmf.set(legId, listener);
  }

  async participantState(room: Room, legId: string): Promise<ParticipantState> {
    return this.#engine.request('room.participant', { roomId: room.roomId, legId, settings: {} });
  }

  async changeParticipant(room: Room, legId: string, change: ParticipantChange): Promise<ParticipantState> {
    return this.#engine.request('room.participant', { roomId: room.roomId, legId, settings: change });
  }

  // ---- internals -------------------------------------------------------------

  #open(name: string, requested: RoomCreateOptions): Room {
    const definition = this.#config.rooms.find((r) => r.name === name);
    const settings = roomSettings(this.#config, definition, requested);
    // The engine room id is the room name, so events, LiveCall.roomId and the API all say the same.
    const roomId = name;
    const room: Room = {
      name,
      roomId,
      createdAt: Date.now(),
      settings,
      members: new Map(),
      pending: 0,
      recordingIds: new Set(),
      ready: Promise.resolve(),
    };
    room.ready = this.#engine.request('room.create', { roomId, options: settings.media }).catch((error: unknown) => {
      this.#rooms.delete(name);
      throw error instanceof Error ? new ControlError('ERR_BAD_REQUEST', error.message, { cause: error }) : error;
    });
    this.#rooms.set(name, room);
    this.#log.info({ room: name, sampleRate: settings.media.sampleRate }, 'conference opened');
    return room;
  }

  async #end(room: Room): Promise<void> {
    if (this.#rooms.get(room.name) !== room) return;
    this.#rooms.delete(room.name);
    await this.#engine.request('room.close', { roomId: room.roomId }).catch((error: unknown) => this.#log.warn({ err: error }, 'room close failed'));
    this.#log.info({ room: room.name }, 'conference ended');
  }

  #room(name: string): Room {
    const room = this.#rooms.get(name);
    if (room === undefined) throw notFound('conference room', name);
    return room;
  }

  #member(room: Room, legId: string): Member {
    const member = room.members.get(legId);
    if (member === undefined) throw notFound(`participant in room "${room.name}"`, legId);
    return member;
  }

  #summary(room: Room): RoomSummary {
    return {
      name: room.name,
      participants: room.members.size,
      locked: room.settings.locked,
      recording: room.recordingIds.size > 0,
      sampleRate: room.settings.media.sampleRate,
      maxParticipants: room.settings.maxParticipants,
      hasPin: room.settings.pin !== null,
      createdAt: room.createdAt,
    };
  }

  #info(legId: string, member: Member, state: ParticipantState | undefined): ParticipantInfo {
    return {
      id: legId,
      callId: member.call.callId,
      from: member.call.from,
      muted: state?.muted ?? false,
      deaf: state?.deaf ?? false,
      volumeInDb: state?.volumeInDb ?? 0,
      volumeOutDb: state?.volumeOutDb ?? 0,
      talking: state?.talking ?? false,
      levelDb: state?.levelDb ?? -127,
      voice: member.voice,
      joinedAt: member.joinedAt,
    };
  }

  #onEngineEvent(event: EngineEvent): void {
    if (event.type === 'leg.dtmf') this.#dtmf.get(event.legId)?.(event.digit);
    else if (event.type === 'recording.done') for (const room of this.#rooms.values()) room.recordingIds.delete(event.recordingId);
  }
}

export type ConferenceRoom = Room;
