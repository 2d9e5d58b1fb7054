/**
 * What a leg's audio is connected to, inside the media plane. The control
 * plane names an application (`LegApplication`); the table below builds the
 * matching processor. A leg only subscribes to the clock while its app wants
 * ticks in the leg's current direction, so held or idle legs cost nothing.
 */
import type { FrameKind } from './jitter-buffer.js';
import { LoopbackApp } from './loopback.js';
import type { LegApplication, MediaDirection } from './protocol.js';

export interface LegApp {
  /** Whether the leg should run this app every 20 ms in `direction`. */
  wantsTicks(direction: MediaDirection): boolean;
  /**
   * One 20 ms tick: `frame` is the leg's played-out audio (decoded or
   * concealed, or silence). Returns the frame to send back out, or null to
   * send nothing this tick. The returned array is read before the next call.
   */
  process(frame: Int16Array, kind: FrameKind): Int16Array | null;
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
