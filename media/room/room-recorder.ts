/**
 * `room.record`: the room mix (what a listener who is not talking hears,
 * cues included) to one mono WAV at the room rate, and optionally what each
 * participant says to `<perParticipantDir>/<recordingId>-<legId>.wav` at its
 * leg's rate (a file starts when the participant is first seen; frames with
 * no input from it are written as silence so the file keeps time). Writes
 * only copy into batches on the tick; files are written off the media path
 * by `WavFileWriter`.
 */
import { join } from 'node:path';
import { WavFileWriter } from '../recording/wav-writer.js';
import type { RecordingInfo } from '../protocol.js';
import type { RoomParticipant } from './participant.js';
import { SoftLimiter } from './soft-limiter.js';

export class RoomRecorder {
  readonly recordingId: string;
  readonly #mixWriter: WavFileWriter;
  readonly #limiter: SoftLimiter;
  readonly #pcm: Int16Array;
  readonly #perDir: string | null;
  readonly #perParticipant = new Map<string, WavFileWriter>();

  /** Opens the mix file (MediaError-free: an unwritable path rejects here, before the recording counts as started). */
  static async start(recordingId: string, path: string, roomRate: number, perParticipantDir: string | null): Promise<RoomRecorder> {
    const writer = await WavFileWriter.create(path, roomRate, 1);
    return new RoomRecorder(recordingId, writer, roomRate, perParticipantDir);
  }

  private constructor(recordingId: string, writer: WavFileWriter, roomRate: number, perParticipantDir: string | null) {
    this.recordingId = recordingId;
    this.#mixWriter = writer;
    this.#limiter = new SoftLimiter(roomRate);
    this.#pcm = new Int16Array(roomRate / 50);
    this.#perDir = perParticipantDir;
  }

  /** Mix phase: this tick's room mix (float, room rate). */
  writeMix(mix: Float32Array): void {
    this.#limiter.process(mix, this.#pcm, this.#pcm.length);
    this.#mixWriter.write(this.#pcm);
  }

  /** Mix phase: this tick's input of `participant` (silence when it sent none or is muted). */
  writeParticipant(participant: RoomParticipant): void {
    const audio = participant.audio;
    if (this.#perDir === null || audio === null) return;
    let writer = this.#perParticipant.get(participant.legId);
    if (writer === undefined) {
      const name = `${this.recordingId}-${participant.legId}`.replace(/[^A-Za-z0-9._-]/g, '_');
      writer = new WavFileWriter(join(this.#perDir, `${name}.wav`), audio.legRate, 1);
      this.#perParticipant.set(participant.legId, writer);
    }
    const frames = writer.sampleRate / 50;
    if (participant.fresh && audio.legRate === writer.sampleRate) writer.write(audio.inputFrame);
    else writer.writeSilence(frames);
  }

  /** Finishes every file; resolves with the mix file's info. */
  async stop(): Promise<RecordingInfo & { readonly error?: string }> {
    const [mix] = await Promise.all([this.#mixWriter.close(), ...[...this.#perParticipant.values()].map((w) => w.close())]);
    const info = { recordingId: this.recordingId, path: mix.path, durationMs: mix.durationMs, bytes: mix.bytes };
    return mix.error === undefined ? info : { ...info, error: mix.error };
  }
}
