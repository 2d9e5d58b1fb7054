/**
 * The admin event stream: engine events and call-registry changes turned
 * into one typed, JSON-able stream, each event tagged with its room (when it
 * has one) so subscribers can filter by room.
 */
import type { EngineEvent, MediaEngine, ParticipantState, QualityLevel } from '../../media/index.js';
import type { CallDirectory } from './call-directory.js';

interface Base {
  /** ms since the epoch. */
  readonly time: number;
  readonly roomId: string | null;
}

export type AdminEvent = Base &
  (
    | { readonly type: 'call.started'; readonly callId: string; readonly legId: string; readonly from: string; readonly to: string; readonly app: string }
    | { readonly type: 'call.ended'; readonly callId: string; readonly legId: string }
    | { readonly type: 'room.joined' | 'room.left'; readonly legId: string; readonly count: number }
    | { readonly type: 'room.talking'; readonly legId: string; readonly talking: boolean; readonly levelDb: number }
    | { readonly type: 'participant.changed'; readonly legId: string; readonly state: ParticipantState }
    | { readonly type: 'room.closed' }
    | { readonly type: 'dtmf'; readonly legId: string; readonly digit: string; readonly source: string }
    | { readonly type: 'quality'; readonly legId: string; readonly level: QualityLevel; readonly mos: number; readonly lossPercent: number; readonly jitterMs: number }
    | { readonly type: 'recording.done'; readonly recordingId: string; readonly durationMs: number; readonly bytes: number; readonly error: string | null }
    | { readonly type: 'dialout.state'; readonly dialId: string; readonly state: string; readonly status: number | null }
    | { readonly type: 'leg.failed'; readonly legId: string; readonly reason: string }
  );

export type AdminEventListener = (event: AdminEvent) => void;

/** An event before it is stamped with its time (Omit distributed over the union). */
export type UnstampedEvent = AdminEvent extends infer E ? (E extends AdminEvent ? Omit<E, 'time'> : never) : never;

type Translate<E extends EngineEvent> = (event: E, roomOf: (legId: string) => string | null) => UnstampedEvent | null;
type EventTable = { readonly [T in EngineEvent['type']]?: Translate<Extract<EngineEvent, { type: T }>> };

/** Engine event → admin event; types not in the table are not published. */
const FROM_ENGINE: EventTable = {
  'room.joined': (e) => ({ type: 'room.joined', roomId: e.roomId, legId: e.legId, count: e.count }),
  'room.left': (e) => ({ type: 'room.left', roomId: e.roomId, legId: e.legId, count: e.count }),
  'room.talking': (e) => ({ type: 'room.talking', roomId: e.roomId, legId: e.legId, talking: e.talking, levelDb: e.levelDb }),
  'room.participant': (e) => ({ type: 'participant.changed', roomId: e.roomId, legId: e.state.legId, state: e.state }),
  'room.closed': (e) => ({ type: 'room.closed', roomId: e.roomId }),
  'leg.dtmf': (e, roomOf) => ({ type: 'dtmf', roomId: roomOf(e.legId), legId: e.legId, digit: e.digit, source: e.source }),
  'leg.quality': (e, roomOf) => ({
    type: 'quality',
    roomId: roomOf(e.legId),
    legId: e.legId,
    level: e.level,
    mos: e.mos,
    lossPercent: e.lossPercent,
    jitterMs: e.jitterMs,
  }),
  'leg.failed': (e, roomOf) => ({ type: 'leg.failed', roomId: roomOf(e.legId), legId: e.legId, reason: e.reason }),
  'recording.done': (e) => ({
    type: 'recording.done',
    roomId: null,
    recordingId: e.recordingId,
    durationMs: e.durationMs,
    bytes: e.bytes,
    error: e.error ?? null,
  }),
};

export class EventHub {
  readonly #listeners = new Set<AdminEventListener>();
  readonly #unsubscribe: (() => void)[] = [];
  readonly #now: () => number;

  constructor(engine: MediaEngine, calls: CallDirectory, now: () => number = Date.now) {
    this.#now = now;
    const roomOf = (legId: string): string | null => calls.get(legId)?.roomId ?? null;
    this.#unsubscribe.push(
      engine.onEvent((event) => {
        const translate = FROM_ENGINE[event.type] as Translate<EngineEvent> | undefined;
        const translated = translate?.(event, roomOf);
        if (translated) this.publish(translated);
      }),
      calls.onChange(({ kind, call }) => {
        const common = { roomId: call.roomId, callId: call.callId, legId: call.legId };
        if (kind === 'added') this.publish({ type: 'call.started', ...common, from: call.from, to: call.to, app: call.app });
        else this.publish({ type: 'call.ended', ...common });
      }),
    );
  }

  /** Publishes an event from the control plane itself (dial-out progress). */
  publish(event: UnstampedEvent): void {
    const stamped = { ...event, time: this.#now() } as AdminEvent;
    for (const listener of this.#listeners) {
      try {
        listener(stamped);
      } catch {
        // a failing subscriber (closed socket) must not stop the others
      }
    }
  }

  /** Subscribes to every event, or only to those of `roomId`. Returns an unsubscribe function. */
  subscribe(listener: AdminEventListener, roomId: string | null = null): () => void {
    const filtered: AdminEventListener = roomId === null ? listener : (event) => event.roomId === roomId && listener(event);
    this.#listeners.add(filtered);
    return () => this.#listeners.delete(filtered);
  }

  get subscribers(): number {
    return this.#listeners.size;
  }

  close(): void {
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
    this.#listeners.clear();
  }
}
