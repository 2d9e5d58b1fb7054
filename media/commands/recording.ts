/**
 * Recording and playback commands at leg level (media/protocol/recording.ts).
 * `recording.stop` and `playback.stop` reach every job in the engine's
 * registry (media/recording/media-jobs.ts), room jobs included.
 */
import type { CommandModule, EngineContext } from '../engine-context.js';
import { MediaError } from '../errors.js';
import type { InProcessEngineOptions } from '../in-process-engine.js';
import type { Leg } from '../leg.js';
import { sends } from '../leg-params.js';
import type { RecordingCommands, RecordingInfo } from '../protocol.js';
import {
  isRecordDirection,
  LegRecording,
  LegTap,
  loadWavSource,
  mediaJobs,
  PlaybackStage,
  recordChannels,
  WavFileWriter,
  type PlaybackEnd,
  type PlaybackMode,
  type RecordingJob,
} from '../recording/index.js';

const PLAYBACK_MODES: Readonly<Record<PlaybackMode, true>> = { replace: true, mix: true };

const invalid = (message: string, cause?: unknown): MediaError =>
  new MediaError('ERR_INVALID_ARGS', message, cause === undefined ? undefined : { cause });

function requireString(command: string, name: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') throw invalid(`${command}: ${name} must be a non-empty string`);
  return value;
}

/** The leg's PCM rate; ERR_INVALID_ARGS before offer/answer. */
function mediaRate(command: string, leg: Leg): number {
  const rate = leg.sampleRate;
  if (rate === null || leg.params === null) throw invalid(`${command}: leg "${leg.legId}" has no media parameters yet (no offer/answer)`);
  return rate;
}

export function createRecordingCommands(context: EngineContext, _options: InProcessEngineOptions): CommandModule<RecordingCommands> {
  const jobs = mediaJobs(context);
  const frameMs = context.clock.frameMs;
  const taps = new Map<string, LegTap>();
  /** Stops of this module's recordings, by id (for leg close and engine close). */
  const recordings = new Map<string, { readonly legId: string; readonly job: RecordingJob }>();
  const playing = new Map<string, PlaybackStage>();

  const syncStages = (leg: Leg, tap: LegTap): void => {
    if (tap.recordings.length === 0) taps.delete(leg.legId);
    if (leg.closed) return;
    leg.setInputStage('record-in', tap.needsInput ? tap.inputStage : null);
    leg.setOutputStage('record-out', tap.needsOutput ? tap.outputStage : null);
  };

  const startRecording = async (args: RecordingCommands['leg.record']['args']): Promise<void> => {
    const command = 'leg.record';
    const recordingId = requireString(command, 'recordingId', args.recordingId);
    const path = requireString(command, 'path', args.path);
    if (!isRecordDirection(args.direction)) throw invalid(`${command}: direction must be one of in, out, both (got ${String(args.direction)})`);
    const direction = args.direction;
    const leg = context.leg(args.legId);
    const rate = mediaRate(command, leg);
    jobs.reserveRecording(recordingId);
    let writer: WavFileWriter;
    try {
      writer = await WavFileWriter.create(path, rate, recordChannels(direction));
    } catch (error) {
      throw invalid(`${command}: cannot write ${path}: ${error instanceof Error ? error.message : String(error)}`, error);
    }
    try {
      if (leg.closed) throw new MediaError('ERR_NO_SUCH_LEG', `${command}: leg "${leg.legId}" closed while the file was being opened`);
      jobs.reserveRecording(recordingId);
    } catch (error) {
      await writer.close();
      throw error;
    }
    const recording = new LegRecording(recordingId, direction, writer, frameMs);
    let tap = taps.get(leg.legId);
    if (tap === undefined) {
      tap = new LegTap();
      taps.set(leg.legId, tap);
    }
    const legTap = tap;
    let stopping: Promise<RecordingInfo> | null = null;
    const job: RecordingJob = {
      stop: () => {
        stopping ??= (async () => {
          legTap.remove(recording);
          syncStages(leg, legTap);
          const file = await recording.finish();
          jobs.removeRecording(recordingId, job);
          recordings.delete(recordingId);
          const info: RecordingInfo = { recordingId, path, durationMs: file.durationMs, bytes: file.bytes };
          context.emit(file.error === undefined ? { type: 'recording.done', ...info } : { type: 'recording.done', ...info, error: file.error });
          return info;
        })();
        return stopping;
      },
    };
    legTap.recordings.push(recording);
    syncStages(leg, legTap);
    jobs.addRecording(recordingId, job);
    recordings.set(recordingId, { legId: leg.legId, job });
  };

  const startPlayback = async (args: RecordingCommands['leg.play']['args']): Promise<void> => {
    const command = 'leg.play';
    const playbackId = requireString(command, 'playbackId', args.playbackId);
    const path = requireString(command, 'path', args.path);
    const mode = args.mode ?? 'replace';
    if (!Object.hasOwn(PLAYBACK_MODES, mode)) throw invalid(`${command}: mode must be replace or mix (got ${String(mode)})`);
    if (args.loop !== undefined && typeof args.loop !== 'boolean') throw invalid(`${command}: loop must be a boolean`);
    const leg = context.leg(args.legId);
    const rate = mediaRate(command, leg);
    const params = leg.params;
    if (params !== null && !sends(params.direction)) throw invalid(`${command}: leg "${leg.legId}" does not send media (direction ${params.direction})`);
    jobs.reservePlayback(playbackId);
    const source = await loadWavSource(path, rate, { loop: args.loop ?? false, frameMs });
    if (leg.closed) throw new MediaError('ERR_NO_SUCH_LEG', `${command}: leg "${leg.legId}" closed while ${path} was loading`);
    if (leg.sampleRate !== rate) throw invalid(`${command}: leg "${leg.legId}" changed codec while ${path} was loading; play it again`);
    jobs.reservePlayback(playbackId);
    const job = { stop: () => stage.stop() };
    const stage: PlaybackStage = new PlaybackStage(source, mode, (reason: PlaybackEnd) => {
      jobs.removePlayback(playbackId, job);
      if (playing.get(leg.legId) === stage) playing.delete(leg.legId);
      context.emit({ type: 'playback.done', playbackId, reason });
      // Not from inside the leg's stage loop: after this tick.
      queueMicrotask(() => {
        if (!leg.closed && leg.outputStage('playback') === stage) leg.setOutputStage('playback', null);
      });
    });
    // A new playback on the leg replaces the one playing (which ends 'stopped').
    playing.get(leg.legId)?.stop();
    playing.set(leg.legId, stage);
    jobs.addPlayback(playbackId, job);
    leg.setOutputStage('playback', stage);
  };

  const finishLeg = (legId: string): Promise<unknown>[] =>
    [...recordings.values()].filter((r) => r.legId === legId).map((r) => r.job.stop());

  context.onLegClosing((leg) => {
    void Promise.all(finishLeg(leg.legId));
    playing.get(leg.legId)?.stop();
  });

  return {
    handlers: {
      'leg.record': startRecording,
      'recording.stop': (args) => jobs.recording(requireString('recording.stop', 'recordingId', args.recordingId)).stop(),
      'leg.play': startPlayback,
      'playback.stop': (args) => {
        jobs.playback(requireString('playback.stop', 'playbackId', args.playbackId)).stop();
      },
    },
    close: async () => {
      for (const stage of playing.values()) stage.stop();
      await Promise.all([...recordings.values()].map((r) => r.job.stop()));
    },
  };
}
