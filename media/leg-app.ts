/**
 * What a leg's audio is connected to, inside the media plane. The control
 * plane names an application (`LegApplication`); the table below builds the
 * matching processor. Rooms attach their own `LegApp` through `Leg.attachApp`.
 * A leg only subscribes to the clock while its app (or a stage) wants ticks
 * in the leg's current direction, so held or idle legs cost nothing.
 */
import type { FrameKind } from './jitter-buffer.js';
import { LoopbackApp } from './loopback.js';
import type { LegApplication, MediaDirection } from './protocol.js';

export interface LegApp {
  /** Whether the leg should run this app every 20 ms in `direction`. */
  wantsTicks(direction: MediaDirection): boolean;
  /**
   * Collect phase: `frame` is the leg's played-out audio (decoded or
   * concealed, or silence) after its input stages, at `sampleRate`. The
   * array is the leg's and is overwritten next tick: copy what you keep.
   */
  input(frame: Int16Array, kind: FrameKind, sampleRate: number): void;
  /**
   * Send phase: the frame to send (at the leg's sample rate, read before the
   * next call), or null to send nothing this tick.
   */
  output(sampleRate: number): Int16Array | null;
  /** The app was detached from the leg (or the leg closed). */
  detach?(): void;
}

type AppFactories = {
  readonly [K in LegApplication['kind']]: (app: Extract<LegApplication, { kind: K }>) => LegApp | null;
};

const APP_FACTORIES: AppFactories = {
  none: () => null,
  echo: () => new LoopbackApp(),
};

/** The processor for `app`, or null when the leg has nothing to run. */
export function createLegApp(app: LegApplication): LegApp | null {
  const factory = APP_FACTORIES[app.kind] as ((app: LegApplication) => LegApp | null) | undefined;
  return factory === undefined ? null : factory(app);
}

/** Whether `app` names an application this engine knows. */
export function isKnownApp(app: LegApplication): boolean {
  return typeof app === 'object' && app !== null && Object.hasOwn(APP_FACTORIES, app.kind);
}
