/**
 * The leg's `voice` input stage: the media-thread half of a transformed leg.
 *
 *   capture: copy the frame into the input ring (seq = this stage's frame
 *            count) and wake the leg's voice worker. Never blocks; a full
 *            ring is counted by the ring.
 *   collect: take the output with the same seq, waiting briefly (the
 *            engine-wide CollectBudget, a few ms per tick across all legs),
 *            so a transform that keeps up adds no tick of delay. Outputs for
 *            earlier seqs are stale and dropped, so latency never grows.
 *            Nothing in time: the fallback frame, and an overrun counted.
 *
 * Switching between sources (raw ↔ transformed ↔ fallback) cross-fades over
 * one frame where the previous source can still be rendered (raw, fallback);
 * disabling fades transformed → raw over one frame and then removes itself.
 * An anonymising leg starts from its fallback, never from the raw voice.
 */
import type { Logger } from 'pino';
import type { FrameContext, InputStage } from '../leg-stages.js';
import type { VoiceSettings } from '../protocol.js';
import type { CollectBudget } from './collect-budget.js';
import { FallbackFrames } from './fallback.js';
import { anonymizes, effectiveFallback, type VoiceFallback } from './settings.js';
import { SpscRing } from './spsc-ring.js';
import type { PoolAssignment, PoolLeg, VoiceWorkerPool } from './voice-pool.js';

/** Ring geometry: a few frames of slack; 960 samples = 20 ms at 48 kHz. */
export const RING_SLOTS = 4;
export const MAX_FRAME_SAMPLES = 960;
/** Cross-fade on settings change, done by the processor. */
export const UPDATE_FADE_MS = 20;

type Source = 'raw' | 'transformed' | 'fallback';

export interface VoiceStageOptions {
  readonly legId: string;
  readonly settings: VoiceSettings;
  /** What the worker's processor gets (dsp/voice VoiceSpec, built from the settings). */
  readonly spec: unknown;
  /** Config `voice.fallback`, used when the settings name none. */
  readonly configuredFallback: VoiceFallback;
  readonly pool: VoiceWorkerPool;
  readonly budget: CollectBudget;
  readonly seed: number;
  readonly logger: Logger;
  /** The disable fade finished: the owner removes the stage. */
  readonly onDisabled: () => void;
}

export interface VoiceStageCounters {
  framesProcessed: number;
  overruns: number;
  staleDropped: number;
  workerRestarts: number;
  errors: number;
}

export class VoiceStage implements InputStage {
  readonly counters: VoiceStageCounters = { framesProcessed: 0, overruns: 0, staleDropped: 0, workerRestarts: 0, errors: 0 };
  readonly #options: VoiceStageOptions;
  readonly #input = SpscRing.create(RING_SLOTS, MAX_FRAME_SAMPLES);
  readonly #output = SpscRing.create(RING_SLOTS, MAX_FRAME_SAMPLES);
  readonly #poolLeg: PoolLeg;
  readonly #fallback: FallbackFrames;
  #settings: VoiceSettings;
  #assignment: PoolAssignment | null = null;
  #raw = new Int16Array(0);
  #scratch = new Int16Array(0);
  #seq = 0;
  #captured = false;
  #written = false;
  #failed = false;
  #workerDown = false;
  #previous: Source;
  #disabling = false;
  #closed = false;

  constructor(options: VoiceStageOptions) {
    this.#options = options;
    this.#settings = options.settings;
    this.#fallback = new FallbackFrames(effectiveFallback(options.settings, options.configuredFallback), 8000, options.seed);
    this.#previous = anonymizes(options.settings) ? 'fallback' : 'raw';
    this.#poolLeg = {
      legId: options.legId,
      input: this.#input.buffer,
      output: this.#output.buffer,
      sampleRate: 0,
      spec: options.spec,
      seed: options.seed,
      onError: (message) => this.#onError(message),
      onWorkerExit: () => {
        this.#workerDown = true;
      },
      onWorkerRestart: () => {
        this.counters.workerRestarts++;
        this.#workerDown = false;
        this.#failed = false;
      },
    };
  }

  get settings(): VoiceSettings {
    return this.#settings;
  }

  get fallback(): VoiceFallback {
    return this.#fallback.kind;
  }

  /** Transformed frames waiting in the output ring (tests wait on it). */
  get pendingOutputs(): number {
    return this.#output.readable();
  }

  get disabling(): boolean {
    return this.#disabling;
  }

  /** New settings: the processor cross-fades; the fallback follows the settings. */
  update(settings: VoiceSettings, spec: unknown): void {
    this.#settings = settings;
    this.#disabling = false;
    this.#fallback.kind = effectiveFallback(settings, this.#options.configuredFallback);
    // Turning anonymisation on before any transformed frame: fade in from the fallback, not the raw voice.
    if (anonymizes(settings) && this.#previous === 'raw') this.#previous = 'fallback';
    this.#poolLeg.spec = spec;
    if (this.#failed && this.#assignment !== null) {
      // The worker dropped the failed processor: build a fresh one with the new settings.
      this.#failed = false;
      this.#options.pool.reattach(this.#poolLeg);
    } else this.#options.pool.update(this.#options.legId, spec, UPDATE_FADE_MS);
  }

  /** Fades back to the raw voice over the next frame, then calls `onDisabled`. */
  disable(): void {
    if (this.#assignment === null) this.#options.onDisabled();
    else this.#disabling = true;
  }

  capture(frame: Int16Array, context: FrameContext): void {
    if (this.#closed) return;
    if (context.sampleRate !== this.#poolLeg.sampleRate) this.#setSampleRate(context.sampleRate);
    if (this.#raw.length !== frame.length) {
      this.#raw = new Int16Array(frame.length);
      this.#scratch = new Int16Array(frame.length);
    }
    this.#raw.set(frame);
    this.#seq = (this.#seq + 1) | 0;
    this.#captured = true;
    // While the worker is down nobody drains the ring: keep it empty for the replacement.
    this.#written = !this.#workerDown && this.#input.write(frame, this.#seq);
    const assignment = this.#assignment;
    if (this.#written && assignment !== null) {
      Atomics.add(assignment.work, 0, 1);
      Atomics.notify(assignment.work, 0, 1);
    }
  }

  collect(frame: Int16Array, context: FrameContext): void {
    if (!this.#captured || this.#closed) return;
    this.#captured = false;
    const transformed = this.#takeOutput(frame, context.tickIndex);
    if (transformed) this.counters.framesProcessed++;
    if (this.#disabling) {
      if (transformed) crossfade(frame, this.#raw, frame);
      else frame.set(this.#raw);
      this.#disabling = false;
      this.#options.onDisabled();
      return;
    }
    let source: Source = 'transformed';
    if (!transformed) {
      this.counters.overruns++;
      this.#fallback.render(frame, this.#raw, context.sampleRate);
      source = 'fallback';
    }
    if (source !== this.#previous && this.#renderPrevious(context.sampleRate)) crossfade(this.#scratch, frame, frame);
    this.#previous = source;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#options.pool.detach(this.#options.legId);
  }

  /** The transformed frame for this tick into `frame`; false when it did not come in time. */
  #takeOutput(frame: Int16Array, tickIndex: number): boolean {
    const output = this.#output;
    const budget = this.#options.budget;
    for (;;) {
      while (output.readable() > 0) {
        if (output.peekSeq() === this.#seq && output.peekLength() === frame.length) {
          output.read(frame);
          return true;
        }
        output.skip();
        this.counters.staleDropped++;
      }
      // No output will come for a frame that was never written, or from a failed processor.
      if (!this.#written || this.#failed || this.#workerDown) return false;
      const remaining = budget.remaining(tickIndex);
      if (remaining <= 0) return false;
      const started = performance.now();
      output.waitReadable(remaining);
      budget.spend(tickIndex, performance.now() - started);
    }
  }

  /** Renders what the previous source would have given for this frame into the scratch buffer. */
  #renderPrevious(sampleRate: number): boolean {
    if (this.#previous === 'raw') this.#scratch.set(this.#raw);
    else if (this.#previous === 'fallback') this.#fallback.render(this.#scratch, this.#raw, sampleRate);
    else return false;
    return true;
  }

  #setSampleRate(sampleRate: number): void {
    this.#poolLeg.sampleRate = sampleRate;
    try {
      if (this.#assignment === null) this.#assignment = this.#options.pool.attach(this.#poolLeg);
      else this.#options.pool.reattach(this.#poolLeg);
    } catch (error) {
      // No worker could be started (closed pool, missing build): fallback frames, never a throw on the tick.
      this.#onError(error instanceof Error ? error.message : String(error));
    }
  }

  #onError(message: string): void {
    this.counters.errors++;
    this.#failed = true;
    this.#options.logger.warn({ legId: this.#options.legId, err: message }, 'voice processor failed; the leg gets its fallback');
  }
}

/** out[i] = from[i] fading out + to[i] fading in, linearly over the frame (out may alias `to`). */
function crossfade(from: Int16Array, to: Int16Array, out: Int16Array): void {
  const n = out.length;
  for (let i = 0; i < n; i++) {
    const w = (i + 0.5) / n;
    out[i] = Math.round((from[i] ?? 0) * (1 - w) + (to[i] ?? 0) * w);
  }
}
