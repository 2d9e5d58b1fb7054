/**
 * Recordings and playback started from the API. Files live in
 * `admin.recordingsDir` as ID.wav; ids are generated here, so a download can
 * never name a path outside the directory. Leg recordings go straight to the
 * engine, room recordings through the RoomDirectory.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, stat } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import type { MediaEngine, RecordDirection, RecordingInfo } from '../../media/index.js';
import type { CallDirectory } from './call-directory.js';
import { ControlError, notFound } from './errors.js';
import type { RoomDirectory } from './rooms.js';

export type RecordTarget = { readonly room: string } | { readonly legId: string; readonly direction?: RecordDirection };

export interface RecordingEntry {
  readonly id: string;
  readonly state: 'recording' | 'done' | 'failed';
  readonly room: string | null;
  readonly legId: string | null;
  readonly bytes: number;
  readonly durationMs: number | null;
  readonly startedAt: number | null;
  readonly error: string | null;
}

export type PlayTarget = { readonly room: string } | { readonly legId: string };

export const RECORDING_ID = '^[A-Za-z0-9_-]{1,80}$';
const ID = new RegExp(RECORDING_ID);
const FINISHED_KEPT = 1000;

export class RecordingService {
  readonly #active = new Map<string, RecordingEntry>();
  readonly #finished = new Map<string, RecordingEntry>();
  readonly #playbacks = new Set<string>();
  readonly dir: string;

  constructor(
    dir: string,
    private readonly engine: MediaEngine,
    private readonly calls: CallDirectory,
    private readonly rooms: RoomDirectory | null,
  ) {
    this.dir = resolve(dir);
    engine.onEvent((event) => {
      if (event.type === 'recording.done') this.#done(event.recordingId, event, event.error ?? null);
      else if (event.type === 'playback.done') this.#playbacks.delete(event.playbackId);
    });
  }

  async start(target: RecordTarget): Promise<RecordingEntry> {
    const id = randomUUID();
    const path = this.pathOf(id);
    await mkdir(this.dir, { recursive: true });
    if ('room' in target) {
      await this.#requireRooms().record(target.room, { recordingId: id, path });
    } else {
      this.#requireLeg(target.legId);
      await this.engine.request('leg.record', { legId: target.legId, recordingId: id, path, direction: target.direction ?? 'both' });
    }
    const entry: RecordingEntry = {
      id,
      state: 'recording',
      room: 'room' in target ? target.room : null,
      legId: 'legId' in target ? target.legId : null,
      bytes: 0,
      durationMs: null,
      startedAt: Date.now(),
      error: null,
    };
    this.#active.set(id, entry);
    return entry;
  }

  async stop(id: string): Promise<RecordingEntry> {
    if (!this.#active.has(id)) {
      if (this.#finished.has(id)) throw new ControlError('ERR_CONFLICT', `recording "${id}" has already stopped`);
      throw notFound('active recording', id);
    }
    const info = await this.engine.request('recording.stop', { recordingId: id });
    return this.#done(id, info, null);
  }

  /** Active recordings and the WAV files in the directory, newest first. */
  async list(): Promise<RecordingEntry[]> {
    const files = await readdir(this.dir).catch(() => [] as string[]);
    const entries = new Map<string, RecordingEntry>();
    for (const file of files) {
      const id = file.endsWith('.wav') ? file.slice(0, -4) : '';
      if (!ID.test(id)) continue;
      const info = await stat(join(this.dir, file)).catch(() => null);
      if (!info?.isFile()) continue;
      const known = this.#finished.get(id);
      entries.set(id, known ?? { id, state: 'done', room: null, legId: null, bytes: info.size, durationMs: null, startedAt: null, error: null });
    }
    for (const [id, entry] of this.#active) entries.set(id, entry);
    return [...entries.values()].sort((a, b) => (b.startedAt ?? 0) - (a.startedAt ?? 0));
  }

  /** Path of a finished recording's file, for download. */
  async file(id: string): Promise<{ path: string; bytes: number }> {
    if (!ID.test(id)) throw new ControlError('ERR_BAD_REQUEST', `invalid recording id "${id}"`);
    if (this.#active.has(id)) throw new ControlError('ERR_CONFLICT', `recording "${id}" is still running; stop it first`);
    const path = this.pathOf(id);
    const info = await stat(path).catch(() => null);
    if (!info?.isFile()) throw notFound('recording', id);
    return { path, bytes: info.size };
  }

  pathOf(id: string): string {
    return join(this.dir, `${id}.wav`);
  }

  /** Plays a recording (by id) or a WAV path into a room or a call's leg. Returns the playback id. */
  async play(target: PlayTarget, source: { recordingId?: string; path?: string }, loop = false): Promise<string> {
    const path = source.recordingId !== undefined ? (await this.file(source.recordingId)).path : source.path;
    if (path === undefined || !isAbsolute(path)) throw new ControlError('ERR_BAD_REQUEST', 'give recordingId, or path as an absolute path to a WAV file');
    const exists = await stat(path).then((s) => s.isFile(), () => false);
    if (!exists) throw new ControlError('ERR_NOT_FOUND', `no WAV file at ${path}`);
    const playbackId = randomUUID();
    if ('room' in target) {
      await this.#requireRooms().play(target.room, { playbackId, path, loop });
    } else {
      this.#requireLeg(target.legId);
      await this.engine.request('leg.play', { legId: target.legId, playbackId, path, loop, mode: 'mix' });
    }
    this.#playbacks.add(playbackId);
    return playbackId;
  }

  async stopPlayback(playbackId: string): Promise<void> {
    if (!this.#playbacks.has(playbackId)) throw notFound('playback', playbackId);
    await this.engine.request('playback.stop', { playbackId });
    this.#playbacks.delete(playbackId);
  }

  /** Stops every active recording (shutdown), finishing their files. */
  async stopAll(): Promise<void> {
    await Promise.all([...this.#active.keys()].map((id) => this.stop(id).catch(() => undefined)));
  }

  get activeCount(): number {
    return this.#active.size;
  }

  #done(id: string, info: Pick<RecordingInfo, 'bytes' | 'durationMs'>, error: string | null): RecordingEntry {
    const active = this.#active.get(id);
    const entry: RecordingEntry = {
      ...(active ?? { id, room: null, legId: null, startedAt: null }),
      state: error === null ? 'done' : 'failed',
      bytes: info.bytes,
      durationMs: info.durationMs,
      error,
    };
    this.#active.delete(id);
    this.#finished.set(id, entry);
    // Older finished entries are still listed from their files; only the details are forgotten.
    for (const key of this.#finished.keys()) {
      if (this.#finished.size <= FINISHED_KEPT) break;
      this.#finished.delete(key);
    }
    return entry;
  }

  #requireRooms(): RoomDirectory {
    if (this.rooms === null) throw new ControlError('ERR_UNAVAILABLE', 'conference rooms are not available on this server');
    return this.rooms;
  }

  #requireLeg(legId: string): void {
    if (!this.calls.get(legId)) throw notFound('call with leg', legId);
  }
}
