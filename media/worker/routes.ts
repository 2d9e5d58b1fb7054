/**
 * Where each command of the contract goes, and what it changes in the
 * ownership maps. One entry per command name (the compiler insists on all of
 * them), so a new command cannot be added without deciding its route.
 */
import type { EngineCommandName, EngineEvent } from '../protocol.js';
import type { Ownership } from './ownership.js';

/**
 * - `place-leg`: a new leg: its group's worker, else the least-loaded one.
 * - `place-room`: a new room: the worker of its group (legs created with group = roomId), else the least-loaded one.
 * - `leg` / `room` / `recording` / `playback`: the worker owning that id (`legId`, `roomId`, …).
 * - `all`: every worker (engine-wide commands, handled by the host).
 */
export type RouteKind = 'place-leg' | 'place-room' | 'leg' | 'room' | 'recording' | 'playback' | 'all';

export const ROUTES: { readonly [N in EngineCommandName]: RouteKind } = {
  'leg.create': 'place-leg',
  'leg.update': 'leg',
  'leg.attach': 'leg',
  'leg.stats': 'leg',
  'leg.close': 'leg',
  'leg.record': 'leg',
  'leg.play': 'leg',
  'leg.voice': 'leg',
  'leg.voice.stats': 'leg',
  'leg.dtmf.send': 'leg',
  'leg.dtmf.report': 'leg',
  'room.create': 'place-room',
  'room.join': 'room',
  'room.leave': 'room',
  'room.participant': 'room',
  'room.stats': 'room',
  'room.record': 'room',
  'room.play': 'room',
  'room.close': 'room',
  'recording.stop': 'recording',
  'playback.stop': 'playback',
  'engine.stats': 'all',
  'engine.close': 'all',
};

/** The id a route kind reads from a command's args. */
export const ROUTE_KEYS = {
  'place-leg': 'legId',
  'place-room': 'roomId',
  leg: 'legId',
  room: 'roomId',
  recording: 'recordingId',
  playback: 'playbackId',
} as const satisfies Partial<Record<RouteKind, string>>;

type Args = Readonly<Record<string, unknown>>;

/** Ownership changes made when a command is sent (so concurrent commands route alike) and undone if it fails. */
interface Effect {
  readonly sent: (own: Ownership, args: Args, worker: number) => void;
  readonly failed?: (own: Ownership, args: Args) => void;
  /** Applied when the command succeeded. */
  readonly done?: (own: Ownership, args: Args) => void;
}

const str = (args: Args, key: string): string => String(args[key]);
const groupOf = (args: Args): string | null => (typeof args['group'] === 'string' && args['group'] !== '' ? args['group'] : null);

export const EFFECTS: Partial<Record<EngineCommandName, Effect>> = {
  'leg.create': {
    sent: (own, args, worker) => own.addLeg(str(args, 'legId'), worker, groupOf(args)),
    failed: (own, args) => own.removeLeg(str(args, 'legId')),
  },
  'leg.close': { sent: () => undefined, done: (own, args) => own.removeLeg(str(args, 'legId')) },
  'room.create': {
    sent: (own, args, worker) => own.addRoom(str(args, 'roomId'), worker),
    failed: (own, args) => own.removeRoom(str(args, 'roomId')),
  },
  'room.close': { sent: () => undefined, done: (own, args) => own.removeRoom(str(args, 'roomId')) },
  'leg.record': {
    sent: (own, args, worker) => own.addRecording(str(args, 'recordingId'), worker),
    failed: (own, args) => own.removeRecording(str(args, 'recordingId')),
  },
  'room.record': {
    sent: (own, args, worker) => own.addRecording(str(args, 'recordingId'), worker),
    failed: (own, args) => own.removeRecording(str(args, 'recordingId')),
  },
  'recording.stop': { sent: () => undefined, done: (own, args) => own.removeRecording(str(args, 'recordingId')) },
  'leg.play': {
    sent: (own, args, worker) => own.addPlayback(str(args, 'playbackId'), worker),
    failed: (own, args) => own.removePlayback(str(args, 'playbackId')),
  },
  'room.play': {
    sent: (own, args, worker) => own.addPlayback(str(args, 'playbackId'), worker),
    failed: (own, args) => own.removePlayback(str(args, 'playbackId')),
  },
  'playback.stop': { sent: () => undefined, done: (own, args) => own.removePlayback(str(args, 'playbackId')) },
};

/** Events that end an object's life on its worker. */
export const EVENT_EFFECTS: { readonly [T in EngineEvent['type']]?: (own: Ownership, event: Extract<EngineEvent, { type: T }>) => void } = {
  'leg.closed': (own, event) => own.removeLeg(event.legId),
  'room.closed': (own, event) => own.removeRoom(event.roomId),
  'recording.done': (own, event) => own.removeRecording(event.recordingId),
  'playback.done': (own, event) => own.removePlayback(event.playbackId),
};
