/**
 * The recordings and playbacks running in one engine, whoever started them
 * (a leg or a room), so that `recording.stop` and `playback.stop` find any of
 * them by id. Each command module reaches the engine's one registry through
 * `mediaJobs(context)`; the owner of a job registers it, emits its
 * `recording.done` / `playback.done` event, and unregisters it when it ends.
 */
import type { EngineContext } from '../engine-context.js';
import { MediaError } from '../errors.js';
import type { RecordingInfo } from '../protocol.js';

export interface RecordingJob {
  /** Finishes the file(s), emits `recording.done` and unregisters; resolves with what was written. */
  stop(): Promise<RecordingInfo>;
}

export interface PlaybackJob {
  /** Stops playing, emits `playback.done` (reason 'stopped') and unregisters. */
  stop(): void;
}

export class MediaJobs {
  readonly #recordings = new Map<string, RecordingJob>();
  readonly #playbacks = new Map<string, PlaybackJob>();

  /** Throws ERR_INVALID_ARGS if `recordingId` is already in use. */
  reserveRecording(recordingId: string): void {
    if (this.#recordings.has(recordingId)) throw new MediaError('ERR_INVALID_ARGS', `recording "${recordingId}" already exists; pick another recordingId`);
  }

  addRecording(recordingId: string, job: RecordingJob): void {
    this.reserveRecording(recordingId);
    this.#recordings.set(recordingId, job);
  }

  removeRecording(recordingId: string, job: RecordingJob): void {
    if (this.#recordings.get(recordingId) === job) this.#recordings.delete(recordingId);
  }

  /** The running recording `recordingId`; throws ERR_INVALID_ARGS if there is none. */
  recording(recordingId: string): RecordingJob {
    const job = this.#recordings.get(recordingId);
    if (job === undefined) throw new MediaError('ERR_INVALID_ARGS', `no recording "${String(recordingId)}" is running`);
    return job;
  }

  reservePlayback(playbackId: string): void {
    if (this.#playbacks.has(playbackId)) throw new MediaError('ERR_INVALID_ARGS', `playback "${playbackId}" already exists; pick another playbackId`);
  }

  addPlayback(playbackId: string, job: PlaybackJob): void {
    this.reservePlayback(playbackId);
    this.#playbacks.set(playbackId, job);
  }

  removePlayback(playbackId: string, job: PlaybackJob): void {
    if (this.#playbacks.get(playbackId) === job) this.#playbacks.delete(playbackId);
  }

  playback(playbackId: string): PlaybackJob {
    const job = this.#playbacks.get(playbackId);
    if (job === undefined) throw new MediaError('ERR_INVALID_ARGS', `no playback "${String(playbackId)}" is running`);
    return job;
  }

  get recordingCount(): number {
    return this.#recordings.size;
  }

  get playbackCount(): number {
    return this.#playbacks.size;
  }
}

const registries = new WeakMap<EngineContext, MediaJobs>();

/** The registry of the engine `context` belongs to (created on first use). */
export function mediaJobs(context: EngineContext): MediaJobs {
  let jobs = registries.get(context);
  if (jobs === undefined) {
    jobs = new MediaJobs();
    registries.set(context, jobs);
  }
  return jobs;
}
