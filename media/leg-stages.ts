/**
 * Pluggable per-leg audio stages, so features that act on one leg's audio
 * (in-band DTMF detection, recording, per-participant DSP, voice transforms,
 * playback, in-band DTMF tones) live in their own modules and the leg only
 * runs them in a fixed order:
 *
 *   capture phase: jitter buffer → input stages' `capture` (in order)
 *   collect phase: input stages' `collect` (async results, e.g. a voice worker) → app.input
 *   send phase:    app.output → output stages (in order) → packetize
 *
 * Stages work in place on the leg's frame at the leg's codec sample rate
 * (`FrameContext.sampleRate`, which changes when a re-INVITE changes codec).
 */
import type { FrameKind } from './jitter-buffer.js';

/** Valid only during the call it is passed to: the leg reuses one object every tick, so never keep it. */
export interface FrameContext {
  /** Sample rate of the frame (the leg codec's PCM rate). */
  readonly sampleRate: number;
  /** What the jitter buffer produced for this tick. */
  readonly kind: FrameKind;
  /** The clock slot of this tick. */
  readonly tickIndex: number;
}

/** Runs on what the leg received, before the application sees it. */
export interface InputStage {
  /** True: runs only while something else (app, room, another stage) makes the leg tick; never starts ticking itself. */
  readonly passive?: boolean;
  /** Capture phase: read or modify `frame` in place. */
  capture(frame: Int16Array, context: FrameContext): void;
  /** Collect phase (optional): finish asynchronous work, writing the result into `frame`. */
  collect?(frame: Int16Array, context: FrameContext): void;
  /** The stage was removed or the leg closed. */
  close?(): void;
}

/** Runs on what the leg is about to send, after the application produced it. */
export interface OutputStage {
  /**
   * `frame` is the application's output (null: nothing to send this tick).
   * Returns the frame to send instead (may be `frame` itself, modified in
   * place, or a buffer the stage owns until its next call), or null.
   */
  process(frame: Int16Array | null, context: FrameContext): Int16Array | null;
  close?(): void;
}

/** Input stages run in this order; a name not listed cannot be installed. */
export const INPUT_STAGE_ORDER = ['dtmf-detect', 'record-in', 'dsp', 'voice'] as const;
/** Output stages run in this order. */
export const OUTPUT_STAGE_ORDER = ['playback', 'dtmf-tone', 'record-out'] as const;

export type InputStageName = (typeof INPUT_STAGE_ORDER)[number];
export type OutputStageName = (typeof OUTPUT_STAGE_ORDER)[number];

/** A fixed-order set of named stages; the ordered array is rebuilt only on change. */
export class StageList<Name extends string, Stage extends { close?(): void }> {
  readonly #order: readonly Name[];
  readonly #byName = new Map<Name, Stage>();
  /** Iterated per tick; no allocation while stages stay the same. */
  list: readonly Stage[] = [];

  constructor(order: readonly Name[]) {
    this.#order = order;
  }

  get size(): number {
    return this.#byName.size;
  }

  get(name: Name): Stage | undefined {
    return this.#byName.get(name);
  }

  /** Installs (or with null removes) the stage called `name`, closing the one it replaces. */
  set(name: Name, stage: Stage | null): void {
    const previous = this.#byName.get(name);
    if (previous === stage) return;
    previous?.close?.();
    if (stage === null) this.#byName.delete(name);
    else this.#byName.set(name, stage);
    this.list = this.#order.flatMap((n) => {
      const s = this.#byName.get(n);
      return s === undefined ? [] : [s];
    });
  }

  closeAll(): void {
    for (const stage of this.#byName.values()) stage.close?.();
    this.#byName.clear();
    this.list = [];
  }
}
