/** The jitter buffer's option, counter and frame-kind types. */
import type { AudioDecoder } from '../../codecs/codec.js';

/** What one pulled frame holds. 'silence': nothing to play yet, or a pause in the stream. */
export type FrameKind = 'audio' | 'concealed' | 'silence';

const KIND_RANK: Readonly<Record<FrameKind, number>> = { silence: 0, concealed: 1, audio: 2 };

/** The kind of a frame made of both: audio over concealment over silence. */
export function richer(a: FrameKind, b: FrameKind): FrameKind {
  return KIND_RANK[a] >= KIND_RANK[b] ? a : b;
}

export const DEFAULT_MIN_DELAY_MS = 20;
export const DEFAULT_MAX_DELAY_MS = 300;

export interface JitterBufferOptions {
  /** RTP clock rate (timestamp units per second). */
  readonly clockRate: number;
  /** Sample rate of the decoder's PCM; an integer multiple of the clock rate (G.722: 2×). */
  readonly sampleRate: number;
  /** The start delay: the target until the buffer has measured the network. */
  readonly targetDelayMs: number;
  /** Bounds of the adaptive target (defaults 20 and 300 ms, widened to include the start delay). */
  readonly minDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly decoder: AudioDecoder;
  readonly frameMs?: number;
  /** The receiver's clock (ms). Default: the pull count × frameMs, i.e. the time of the next pull. */
  readonly now?: () => number;
}

export interface JitterBufferCounters {
  readonly received: number;
  /** Arrived after their playout time (or behind what was already played). */
  readonly late: number;
  readonly duplicates: number;
  /** Arrived behind a higher sequence number but still in time. */
  readonly outOfOrder: number;
  /** Sequence numbers skipped at playout. */
  readonly lost: number;
  /** Samples (at `sampleRate`) filled by concealment (FEC-rebuilt samples included). */
  readonly concealedSamples: number;
  /** Of those, samples rebuilt from the next packet's in-band FEC (Opus). */
  readonly fecSamples: number;
  readonly resyncs: number;
  /** Payloads the decoder produced nothing from. */
  readonly undecodable: number;
}
