/**
 * Decoded audio the jitter buffer has taken off the timeline but not played
 * yet (NetEq's "sync buffer"): normally less than a frame, more around a
 * time-stretch, which edits it in place before the frame leaves.
 */
import type { FrameKind } from './options.js';
import type { PlayoutDecision } from './playout-control.js';
import type { TimeStretcher } from './time-stretch.js';

export class SyncBuffer {
  readonly data: Int16Array;
  /** Samples held. */
  length = 0;
  /** What the last frame decoded into it was. */
  kind: FrameKind = 'silence';
  acceleratedSamples = 0;
  expandedSamples = 0;

  constructor(capacity: number) {
    this.data = new Int16Array(capacity);
  }

  /** Accelerate removes, expand repeats one pitch period (when a safe splice exists). */
  stretch(decision: PlayoutDecision, stretcher: TimeStretcher, maxRemove: number): void {
    if (decision === 'accelerate') {
      const removed = stretcher.accelerate(this.data, 0, this.length, maxRemove);
      this.length -= removed;
      this.acceleratedSamples += removed;
    } else if (decision === 'expand' && this.length + stretcher.maxPeriod <= this.data.length) {
      const added = stretcher.expand(this.data, 0, this.length);
      this.length += added;
      this.expandedSamples += added;
    }
  }

  /** Moves the first `count` samples into `out`. */
  shift(out: Int16Array, count: number): void {
    const data = this.data;
    // A plain loop: `out.set(data.subarray(...))` would allocate a view every frame.
    for (let i = 0; i < count; i++) out[i] = data[i] ?? 0;
    data.copyWithin(0, count, this.length);
    this.length = Math.max(0, this.length - count);
  }

  clear(): void {
    this.length = 0;
  }
}
