/**
 * Recording one leg: a `LegTap` per leg holds the leg's `record-in` and
 * `record-out` stages and the recordings fed by them; a `LegRecording` writes
 * one file. `in` records what the leg received (after the jitter buffer and
 * DTMF detection, before DSP), `out` what we sent it (after playback and DTMF
 * tones), `both` a stereo file: left in, right out, sample-aligned per tick.
 *
 * The stages only copy samples into the writer's batch (media/recording/
 * wav-writer.ts); the file I/O happens off the tick.
 */
import type { FrameContext, InputStage, OutputStage } from '../leg-stages.js';
import type { RecordDirection } from '../protocol.js';
import type { WavFileInfo, WavFileWriter } from './wav-writer.js';

/** What a direction needs from the two stages. */
const DIRECTION_TAPS: Readonly<Record<RecordDirection, { readonly input: boolean; readonly output: boolean; readonly channels: number }>> = {
  in: { input: true, output: false, channels: 1 },
  out: { input: false, output: true, channels: 1 },
  both: { input: true, output: true, channels: 2 },
};

export function recordChannels(direction: RecordDirection): number {
  return DIRECTION_TAPS[direction].channels;
}

export function isRecordDirection(value: unknown): value is RecordDirection {
  return typeof value === 'string' && Object.hasOwn(DIRECTION_TAPS, value);
}

export interface LegRecordingStats {
  /** Ticks whose frame came at another rate than the file's (a codec change): written as silence. */
  rateMismatchFrames: number;
}

export class LegRecording {
  readonly recordingId: string;
  readonly direction: RecordDirection;
  readonly writer: WavFileWriter;
  readonly stats: LegRecordingStats = { rateMismatchFrames: 0 };
  readonly #frameSamples: number;
  /** `both`: this tick's input, waiting for the output half. */
  readonly #left: Int16Array | null;
  #haveLeft = false;
  #closing: Promise<WavFileInfo> | null = null;

  constructor(recordingId: string, direction: RecordDirection, writer: WavFileWriter, frameMs: number) {
    this.recordingId = recordingId;
    this.direction = direction;
    this.writer = writer;
    this.#frameSamples = Math.round((writer.sampleRate * frameMs) / 1000);
    this.#left = direction === 'both' ? new Int16Array(this.#frameSamples) : null;
  }

  get taps(): { readonly input: boolean; readonly output: boolean } {
    return DIRECTION_TAPS[this.direction];
  }

  /** Capture phase: what the leg received this tick. */
  onInput(frame: Int16Array, context: FrameContext): void {
    if (this.#closing !== null) return;
    const matches = context.sampleRate === this.writer.sampleRate;
    if (this.#left !== null) {
      if (matches) this.#left.set(frame.length > this.#frameSamples ? frame.subarray(0, this.#frameSamples) : frame);
      else this.#left.fill(0);
      this.#haveLeft = true;
      return;
    }
    this.#writeMono(frame, matches);
  }

  /** Send phase: what the leg sends this tick (null: nothing, recorded as silence). */
  onOutput(frame: Int16Array | null, context: FrameContext): void {
    if (this.#closing !== null) return;
    const matches = context.sampleRate === this.writer.sampleRate;
    if (this.#left !== null) {
      this.writer.writeStereo(this.#haveLeft ? this.#left : null, matches ? frame : null, this.#frameSamples);
      this.#haveLeft = false;
      if (!matches) this.stats.rateMismatchFrames++;
      return;
    }
    this.#writeMono(frame, matches);
  }

  /** Stops taking audio and finishes the file; idempotent. */
  finish(): Promise<WavFileInfo> {
    this.#closing ??= this.writer.close();
    return this.#closing;
  }

  get finishing(): boolean {
    return this.#closing !== null;
  }

  #writeMono(frame: Int16Array | null, matches: boolean): void {
    if (frame === null || !matches) {
      if (!matches) this.stats.rateMismatchFrames++;
      this.writer.writeSilence(this.#frameSamples);
      return;
    }
    this.writer.write(frame, Math.min(frame.length, this.#frameSamples));
  }
}

/** A leg's recordings and the two stages feeding them (installed by the owner while needed). */
export class LegTap {
  readonly recordings: LegRecording[] = [];

  readonly inputStage: InputStage = {
    capture: (frame, context) => {
      for (const recording of this.recordings) if (recording.taps.input) recording.onInput(frame, context);
    },
  };

  readonly outputStage: OutputStage = {
    process: (frame, context) => {
      for (const recording of this.recordings) if (recording.taps.output) recording.onOutput(frame, context);
      return frame;
    },
  };

  get needsInput(): boolean {
    return this.recordings.some((r) => r.taps.input);
  }

  get needsOutput(): boolean {
    return this.recordings.some((r) => r.taps.output);
  }

  remove(recording: LegRecording): void {
    const at = this.recordings.indexOf(recording);
    if (at >= 0) this.recordings.splice(at, 1);
  }
}
