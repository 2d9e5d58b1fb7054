/**
 * The echo application: the leg's played-out 20 ms frames go straight back
 * out. Audio takes the full path (decode → jitter buffer → encode), so the
 * echo works across ptimes; with G.711 at 20 ms the echoed payload bytes equal
 * the received ones, since G.711 decode → encode is lossless. Concealed frames
 * are echoed (the caller hears what we played); silence is not, so the far
 * end's DTX pauses come back as pauses and the next packet carries the marker.
 */
import type { FrameKind } from './jitter-buffer.js';
import type { LegApp } from './leg-app.js';
import type { MediaDirection } from './protocol.js';

export class LoopbackApp implements LegApp {
  #frame: Int16Array | null = null;

  /** An echo needs audio in and audio out. */
  wantsTicks(direction: MediaDirection): boolean {
    return direction === 'sendrecv';
  }

  input(frame: Int16Array, kind: FrameKind): void {
    // The leg's frame stays untouched until its send phase, so no copy is needed.
    this.#frame = kind === 'silence' ? null : frame;
  }

  output(): Int16Array | null {
    const frame = this.#frame;
    this.#frame = null;
    return frame;
  }
}
