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
  /** An echo needs audio in and audio out. */
  wantsTicks(direction: MediaDirection): boolean {
    return direction === 'sendrecv';
  }

  process(frame: Int16Array, kind: FrameKind): Int16Array | null {
    return kind === 'silence' ? null : frame;
  }
}
