/**
 * The engine's room commands (media/protocol/rooms.ts): a table of handlers
 * over the rooms this engine (worker) holds. Room recordings and playbacks
 * keep their own ids here; `recording.stop` / `playback.stop` reach them
 * through `stopRoomRecording` / `stopRoomPlayback`, which answer null/false
 * for ids this module does not know so the caller can try the leg-level ones.
 */
import type { CommandModule, EngineContext } from '../engine-context.js';
import { MediaError } from '../errors.js';
import type { InProcessEngineOptions } from '../in-process-engine.js';
import type { EngineArgs, RecordingInfo, RoomCommands } from '../protocol.js';
import { loadWavSource } from '../recording/wav-source.js';
import { PlaybackCue } from '../room/room-cues.js';
import { DEFAULT_PARTICIPANT_SETTINGS, mergeSettings, validateRoomId, validateRoomOptions } from '../room/room-options.js';
import { RoomRecorder } from '../room/room-recorder.js';
import { Room } from '../room/room.js';

export interface RoomCommandModule extends CommandModule<RoomCommands> {
  /** Stops a room recording; null when `recordingId` is not a room recording. */
  stopRoomRecording(recordingId: string): Promise<RecordingInfo | null>;
  /** Stops a room playback; false when `playbackId` is not a room playback. */
  stopRoomPlayback(playbackId: string): boolean;
}

function text(value: unknown, name: string): string {
  if (typeof value !== 'string' || value === '') throw new MediaError('ERR_INVALID_ARGS', `${name} must be a non-empty string`);
  return value;
}

export function createRoomCommands(context: EngineContext, options: InProcessEngineOptions): RoomCommandModule {
  const rooms = new Map<string, Room>();
  const recordings = new Map<string, Room>();
  const playbacks = new Map<string, { room: Room; cue: PlaybackCue }>();

  const room = (roomId: unknown, command: string): Room => {
    const found = rooms.get(validateRoomId(roomId, command));
    if (found === undefined) throw new MediaError('ERR_INVALID_ARGS', `${command}: no room "${String(roomId)}"`);
    return found;
  };
  const roomOf = (legId: string): Room | undefined => {
    for (const r of rooms.values()) if (r.participant(legId) !== undefined) return r;
    return undefined;
  };

  const stopRoomRecording = async (recordingId: string): Promise<RecordingInfo | null> => {
    const owner = recordings.get(recordingId);
    const recorder = owner?.recorder;
    recordings.delete(recordingId);
    if (owner === undefined || recorder === null || recorder === undefined) return null;
    owner.recorder = null;
    const { error, ...info } = await recorder.stop();
    context.emit({ type: 'recording.done', ...info, ...(error !== undefined ? { error } : {}) });
    return info;
  };

  const stopRoomPlayback = (playbackId: string): boolean => {
    const entry = playbacks.get(playbackId);
    if (entry === undefined) return false;
    entry.cue.stop();
    return true;
  };

  const closeRoom = async (target: Room): Promise<void> => {
    rooms.delete(target.roomId);
    const recorder = target.recorder;
    target.close();
    if (recorder !== null) await stopRoomRecording(recorder.recordingId);
  };

  context.onLegClosing((leg) => roomOf(leg.legId)?.leave(leg.legId));

  const handlers = {
    'room.create': (args: EngineArgs<'room.create'>): void => {
      const roomId = validateRoomId(args.roomId, 'room.create');
      if (rooms.has(roomId)) throw new MediaError('ERR_INVALID_ARGS', `room.create: room "${roomId}" already exists`);
      rooms.set(roomId, new Room(roomId, validateRoomOptions(args.options), context, options.codecs));
    },
    'room.join': async (args: EngineArgs<'room.join'>) => {
      const target = room(args.roomId, 'room.join');
      const leg = context.leg(args.legId);
      const current = target.participant(leg.legId);
      if (current !== undefined) {
        await target.update(current, mergeSettings(current.settings, args.settings));
        return current.state();
      }
      const settings = mergeSettings(DEFAULT_PARTICIPANT_SETTINGS, args.settings);
      roomOf(leg.legId)?.leave(leg.legId);
      return (await target.join(leg, settings)).state();
    },
    'room.leave': (args: EngineArgs<'room.leave'>): void => {
      room(args.roomId, 'room.leave').leave(text(args.legId, 'room.leave: legId'));
    },
    'room.participant': async (args: EngineArgs<'room.participant'>) => {
      const target = room(args.roomId, 'room.participant');
      const participant = target.participant(text(args.legId, 'room.participant: legId'));
      if (participant === undefined) throw new MediaError('ERR_NO_SUCH_LEG', `room.participant: leg "${args.legId}" is not in room "${target.roomId}"`);
      await target.update(participant, mergeSettings(participant.settings, args.settings));
      return participant.state();
    },
    'room.stats': (args: EngineArgs<'room.stats'>) => room(args.roomId, 'room.stats').stats(),
    'room.record': async (args: EngineArgs<'room.record'>): Promise<void> => {
      const target = room(args.roomId, 'room.record');
      const recordingId = text(args.recordingId, 'room.record: recordingId');
      const path = text(args.path, 'room.record: path');
      const perDir = args.perParticipantDir === undefined ? null : text(args.perParticipantDir, 'room.record: perParticipantDir');
      if (target.recorder !== null) throw new MediaError('ERR_INVALID_ARGS', `room.record: room "${target.roomId}" is already recording (${target.recorder.recordingId})`);
      if (recordings.has(recordingId)) throw new MediaError('ERR_INVALID_ARGS', `room.record: recording id "${recordingId}" is in use`);
      recordings.set(recordingId, target);
      try {
        const recorder = await RoomRecorder.start(recordingId, path, target.options.sampleRate, perDir);
        if (target.closed || recordings.get(recordingId) !== target) {
          await recorder.stop();
          throw new MediaError('ERR_INVALID_ARGS', `room.record: room "${target.roomId}" closed while the recording started`);
        }
        target.recorder = recorder;
      } catch (error) {
        if (recordings.get(recordingId) === target && target.recorder?.recordingId !== recordingId) recordings.delete(recordingId);
        if (error instanceof MediaError) throw error;
        throw new MediaError('ERR_INVALID_ARGS', `room.record: cannot write ${path}: ${String(error)}`, { cause: error });
      }
    },
    'room.play': async (args: EngineArgs<'room.play'>): Promise<void> => {
      const target = room(args.roomId, 'room.play');
      const playbackId = text(args.playbackId, 'room.play: playbackId');
      if (playbacks.has(playbackId)) throw new MediaError('ERR_INVALID_ARGS', `room.play: playback id "${playbackId}" is in use`);
      const source = await loadWavSource(text(args.path, 'room.play: path'), target.options.sampleRate, { loop: args.loop === true });
      if (target.closed) throw new MediaError('ERR_INVALID_ARGS', `room.play: room "${target.roomId}" closed while the file loaded`);
      const cue = new PlaybackCue(playbackId, source, (reason) => {
        playbacks.delete(playbackId);
        target.removeCue(cue);
        context.emit({ type: 'playback.done', playbackId, reason });
      });
      playbacks.set(playbackId, { room: target, cue });
      target.addCue(cue);
    },
    'room.close': async (args: EngineArgs<'room.close'>): Promise<void> => {
      const target = rooms.get(validateRoomId(args.roomId, 'room.close'));
      if (target !== undefined) await closeRoom(target);
    },
  };

  return {
    handlers,
    stopRoomRecording,
    stopRoomPlayback,
    async close() {
      await Promise.all([...rooms.values()].map(closeRoom));
    },
  };
}
