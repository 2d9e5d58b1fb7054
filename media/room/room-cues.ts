/**
 * What the room itself adds to everyone's mix: join/leave tones and WAV
 * playbacks (prompts, music on hold). Each cue adds one frame per tick to
 * the float mix and says when it is finished.
 */
import { TonePlayer, type TonePatternName } from '../../dsp/index.js';
import type { WavSource } from '../recording/wav-source.js';

export interface RoomCue {
  /** Adds this tick's samples to `mix`; false once the cue has finished (it is then dropped). */
  addTo(mix: Float32Array): boolean;
  /** The cue was dropped before its end (room closed, playback stopped). */
  stop?(): void;
}

/** A one-shot tone pattern (join/leave). */
export class ToneCue implements RoomCue {
  readonly #player: TonePlayer;
  readonly #frame: Int16Array;

  constructor(sampleRate: number, pattern: TonePatternName) {
    this.#player = new TonePlayer({ sampleRate, pattern });
    this.#frame = new Int16Array(sampleRate / 50);
  }

  addTo(mix: Float32Array): boolean {
    if (this.#player.done) return false;
    this.#player.fill(this.#frame);
    addInto(mix, this.#frame);
    return true;
  }
}

/** A WAV file played into the room (`room.play`), once or looped. */
export class PlaybackCue implements RoomCue {
  readonly playbackId: string;
  readonly #source: WavSource;
  readonly #frame: Int16Array;
  readonly #onEnd: (reason: 'ended' | 'stopped') => void;
  #done = false;

  constructor(playbackId: string, source: WavSource, onEnd: (reason: 'ended' | 'stopped') => void) {
    this.playbackId = playbackId;
    this.#source = source;
    this.#frame = new Int16Array(source.frameSamples);
    this.#onEnd = onEnd;
  }

  addTo(mix: Float32Array): boolean {
    if (this.#done) return false;
    if (!this.#source.read(this.#frame)) {
      this.#finish('ended');
      return false;
    }
    addInto(mix, this.#frame);
    return true;
  }

  stop(): void {
    this.#finish('stopped');
  }

  #finish(reason: 'ended' | 'stopped'): void {
    if (this.#done) return;
    this.#done = true;
    this.#onEnd(reason);
  }
}

function addInto(mix: Float32Array, frame: Int16Array): void {
  const n = Math.min(mix.length, frame.length);
  for (let i = 0; i < n; i++) mix[i] = (mix[i] as number) + (frame[i] as number);
}
