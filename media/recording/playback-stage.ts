/**
 * The `playback` output stage: plays a loaded WavSource into a leg, either
 * instead of the application's audio (`replace`) or added to it (`mix`).
 * It reports the end once (`ended` after the last frame, `error` when the
 * leg's rate no longer matches the loaded audio after a codec change);
 * `stop()` is the caller's way out.
 */
import type { FrameContext, OutputStage } from '../leg-stages.js';
import type { WavSource } from './wav-source.js';

export type PlaybackMode = 'replace' | 'mix';
export type PlaybackEnd = 'ended' | 'stopped' | 'error';

export class PlaybackStage implements OutputStage {
  readonly source: WavSource;
  readonly mode: PlaybackMode;
  readonly #onEnd: (reason: PlaybackEnd) => void;
  readonly #buffer: Int16Array;
  #done = false;

  constructor(source: WavSource, mode: PlaybackMode, onEnd: (reason: PlaybackEnd) => void) {
    this.source = source;
    this.mode = mode;
    this.#onEnd = onEnd;
    this.#buffer = new Int16Array(source.frameSamples);
  }

  get done(): boolean {
    return this.#done;
  }

  process(frame: Int16Array | null, context: FrameContext): Int16Array | null {
    if (this.#done) return frame;
    if (context.sampleRate !== this.source.sampleRate) {
      this.#end('error');
      return frame;
    }
    let out: Int16Array | null;
    if (this.mode === 'mix' && frame !== null) {
      this.source.mixInto(frame, Math.min(frame.length, this.source.frameSamples));
      out = frame;
    } else {
      out = this.source.read(this.#buffer) ? this.#buffer : frame;
    }
    if (this.source.ended) this.#end('ended');
    return out;
  }

  /** Ends playback now (reason 'stopped' unless given); idempotent. */
  stop(reason: PlaybackEnd = 'stopped'): void {
    this.#end(reason);
  }

  close(): void {
    this.#end('stopped');
  }

  #end(reason: PlaybackEnd): void {
    if (this.#done) return;
    this.#done = true;
    this.#onEnd(reason);
  }
}
