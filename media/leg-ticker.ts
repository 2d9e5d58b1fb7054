/**
 * The tick side of a leg: its application and audio stages, and the clock
 * subscriptions that run them in the tick's phases (see media-clock.ts):
 *
 *   capture: jitter buffer → frame → input stages' capture
 *   collect: input stages' collect (async results) → app.input
 *   send:    app.output → output stages → packetizer
 *
 * It subscribes only while the app or a stage wants ticks in the leg's
 * current direction, so held or idle legs cost nothing per tick.
 */
import type { CodecChain } from './codec-chain.js';
import type { FrameKind } from './jitter-buffer.js';
import type { LegApp } from './leg-app.js';
import { receives, sends } from './leg-params.js';
import {
  INPUT_STAGE_ORDER,
  OUTPUT_STAGE_ORDER,
  StageList,
  type FrameContext,
  type InputStage,
  type InputStageName,
  type OutputStage,
  type OutputStageName,
} from './leg-stages.js';
import type { ClockTick, MediaClock } from './media-clock.js';
import type { LegParams } from './protocol.js';

/** What the ticker reads from its leg, which rebuilds both on re-INVITE. */
export interface TickedLeg {
  chain(): CodecChain | null;
  params(): LegParams | null;
}

export class LegTicker {
  readonly #clock: MediaClock;
  readonly #leg: TickedLeg;
  #app: LegApp | null = null;
  readonly #inputStages = new StageList<InputStageName, InputStage>(INPUT_STAGE_ORDER);
  readonly #outputStages = new StageList<OutputStageName, OutputStage>(OUTPUT_STAGE_ORDER);
  /** What the capture phase pulled this tick, for the later phases. */
  #frameKind: FrameKind = 'silence';
  #tickIndex = 0;
  /**
   * The context handed to stages, rewritten in place each phase: a tick of a
   * thousand legs allocates nothing here. Valid for the duration of the call;
   * no stage keeps it (they copy what they need).
   */
  readonly #context: { sampleRate: number; kind: FrameKind; tickIndex: number } = { sampleRate: 0, kind: 'silence', tickIndex: 0 };
  #stopTicking: (() => void) | null = null;
  #stoppedTickingAt: number | null = null;
  #closed = false;

  constructor(clock: MediaClock, leg: TickedLeg) {
    this.#clock = clock;
    this.#leg = leg;
  }

  /** Whether the leg runs on the clock now (received audio only enters the jitter buffer then). */
  get ticking(): boolean {
    return this.#stopTicking !== null;
  }

  get app(): LegApp | null {
    return this.#app;
  }

  setApp(app: LegApp | null): void {
    if (this.#app !== app) this.#app?.detach?.();
    this.#app = app;
    this.refresh();
  }

  setInputStage(name: InputStageName, stage: InputStage | null): void {
    this.#inputStages.set(name, stage);
    this.refresh();
  }

  setOutputStage(name: OutputStageName, stage: OutputStage | null): void {
    this.#outputStages.set(name, stage);
    this.refresh();
  }

  inputStage(name: InputStageName): InputStage | undefined {
    return this.#inputStages.get(name);
  }

  outputStage(name: OutputStageName): OutputStage | undefined {
    return this.#outputStages.get(name);
  }

  /** Subscribes to the clock only while the app or a stage wants ticks in the current direction. */
  refresh(): void {
    const want = !this.#closed && this.#wantsTicks();
    if (want && this.#stopTicking === null) {
      const chain = this.#leg.chain();
      chain?.jitterBuffer.reset();
      // Keep the RTP timestamp in step with wall time across a hold.
      if (chain !== null && this.#stoppedTickingAt !== null) {
        chain.packetizer.silence(Math.round((this.#clock.now() - this.#stoppedTickingAt) / this.#clock.frameMs));
      }
      const stops = [
        this.#clock.onTick(this.#onCapture, 'capture'),
        this.#clock.onTick(this.#onCollect, 'collect'),
        this.#clock.onTick(this.#onSend, 'send'),
      ];
      this.#stopTicking = () => {
        for (const stop of stops) stop();
      };
    } else if (!want && this.#stopTicking !== null) {
      this.#stopTicking();
      this.#stopTicking = null;
      this.#stoppedTickingAt = this.#clock.now();
    }
  }

  /** Stops ticking and releases the app and every stage. */
  close(): void {
    this.#closed = true;
    this.#stopTicking?.();
    this.#stopTicking = null;
    this.#app?.detach?.();
    this.#app = null;
    this.#inputStages.closeAll();
    this.#outputStages.closeAll();
  }

  #wantsTicks(): boolean {
    const params = this.#leg.params();
    if (params === null) return false;
    if (this.#app !== null && this.#app.wantsTicks(params.direction)) return true;
    // Passive stages (in-band DTMF detection) ride along but never make a leg tick by themselves.
    const activeInput = this.#inputStages.list.some((stage) => stage.passive !== true);
    return (activeInput && receives(params.direction)) || (this.#outputStages.size > 0 && sends(params.direction));
  }

  #frameContext(chain: CodecChain): FrameContext {
    const context = this.#context;
    context.sampleRate = chain.sampleRate;
    context.kind = this.#frameKind;
    context.tickIndex = this.#tickIndex;
    return context;
  }

  readonly #onCapture = (tick: ClockTick): void => {
    const chain = this.#leg.chain();
    if (chain === null) return;
    if (tick.missed > 0) {
      chain.jitterBuffer.skip(tick.missed);
      chain.packetizer.silence(tick.missed);
    }
    this.#tickIndex = tick.index;
    this.#frameKind = chain.jitterBuffer.pull(chain.frame);
    const stages = this.#inputStages.list;
    if (stages.length === 0) return;
    const context = this.#frameContext(chain);
    for (const stage of stages) stage.capture(chain.frame, context);
  };

  readonly #onCollect = (): void => {
    const chain = this.#leg.chain();
    if (chain === null) return;
    const stages = this.#inputStages.list;
    if (stages.length > 0) {
      const context = this.#frameContext(chain);
      for (const stage of stages) stage.collect?.(chain.frame, context);
    }
    this.#app?.input(chain.frame, this.#frameKind, chain.sampleRate);
  };

  readonly #onSend = (): void => {
    const chain = this.#leg.chain();
    if (chain === null) return;
    let out = this.#app?.output(chain.sampleRate) ?? null;
    const stages = this.#outputStages.list;
    if (stages.length > 0) {
      const context = this.#frameContext(chain);
      for (const stage of stages) out = stage.process(out, context);
    }
    const params = this.#leg.params();
    if (out !== null && params !== null && sends(params.direction)) chain.packetizer.push(out);
    else chain.packetizer.silence(1);
  };
}
