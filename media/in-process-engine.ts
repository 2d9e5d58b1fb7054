/**
 * The media engine in the caller's thread: tests and single-process runs. All
 * state sits behind `request` and `onEvent`, and commands go through one table
 * keyed by command name, so a worker host can later post the very same
 * commands over a MessagePort.
 */
import { isIP } from 'node:net';
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import { MediaError } from './errors.js';
import { Leg } from './leg.js';
import { isKnownApp } from './leg-app.js';
import { createMediaClock, type MediaClock } from './media-clock.js';
import { PortPool } from './port-pool.js';
import type { EngineArgs, EngineCommandName, EngineEvent, EngineResult, LocalMedia, MediaEngine } from './protocol.js';
import type { CommandModule, EngineContext } from './engine-context.js';
import { createCommandModules, type CommandModules } from './commands/index.js';

export interface InProcessEngineOptions {
  rtp: Config['rtp'];
  /** Codec settings (config `codecs`: Opus bitrate, complexity, FEC, DTX); built-in defaults when absent. */
  codecs?: Config['codecs'];
  logger: Logger;
  /** Defaults to the real monotonic clock; tests pass a ManualClock. */
  clock?: MediaClock;
  /** Delay before a released port pair is reused (ms). */
  portReuseDelayMs?: number;
  /** uint32 source for SSRC/seq/ts, for deterministic tests. */
  random?: () => number;
  /** Voice transform settings (config `voice`); built-in defaults when absent. */
  voice?: Config['voice'];
}

type Handler<N extends EngineCommandName> = (args: EngineArgs<N>) => Promise<EngineResult<N>> | EngineResult<N>;
type HandlerTable = { readonly [N in EngineCommandName]: Handler<N> };

const WILDCARD_ADDRESSES = new Set(['', '0.0.0.0', '::', '[::]']);

function requireString(value: unknown, name: string): string {
  if (typeof value !== 'string' || value === '') throw new MediaError('ERR_INVALID_ARGS', `${name} must be a non-empty string`);
  return value;
}

export class InProcessEngine implements MediaEngine {
  readonly #options: InProcessEngineOptions;
  readonly #clock: MediaClock;
  readonly #pool: PortPool;
  readonly #log: Logger;
  readonly #legs = new Map<string, Leg>();
  /** Leg ids whose ports are being bound (so a duplicate create fails fast). */
  readonly #creating = new Set<string>();
  readonly #listeners = new Set<(event: EngineEvent) => void>();
  readonly #legClosing: ((leg: Leg) => void)[] = [];
  readonly #legUpdated: ((leg: Leg) => void)[] = [];
  readonly #modules: CommandModules;
  readonly #handlers: HandlerTable;
  #closed = false;

  readonly #legHandlers = {
    'leg.create': (args: EngineArgs<'leg.create'>) => this.#createLeg(args),
    'leg.update': (args: EngineArgs<'leg.update'>) => {
      const leg = this.#leg(args.legId);
      leg.update(args.params);
      for (const listener of this.#legUpdated) listener(leg);
    },
    'leg.attach': (args: EngineArgs<'leg.attach'>) => {
      if (!isKnownApp(args.app)) throw new MediaError('ERR_INVALID_ARGS', 'leg.attach: app.kind must be one of none, echo');
      this.#leg(args.legId).attach(args.app);
    },
    'leg.stats': (args: EngineArgs<'leg.stats'>) => this.#leg(args.legId).stats(),
    'leg.close': (args: EngineArgs<'leg.close'>) => this.#closeLeg(args.legId),
    'engine.close': () => this.#close(),
  };

  constructor(options: InProcessEngineOptions) {
    this.#options = options;
    this.#clock = options.clock ?? createMediaClock();
    this.#log = options.logger;
    this.#pool = new PortPool({
      ports: options.rtp.ports,
      bindAddress: options.rtp.bindAddress,
      now: () => this.#clock.now(),
      ...(options.portReuseDelayMs !== undefined ? { reuseDelayMs: options.portReuseDelayMs } : {}),
    });
    const context: EngineContext = {
      clock: this.#clock,
      logger: this.#log,
      emit: this.#emit,
      leg: (legId) => this.#leg(legId),
      legs: () => this.#legs.values(),
      onLegClosing: (listener) => this.#legClosing.push(listener),
      onLegUpdated: (listener) => this.#legUpdated.push(listener),
    };
    this.#modules = createCommandModules(context, options);
    const { rooms, recording, voice, dtmf, engine } = this.#modules;
    this.#handlers = {
      ...this.#legHandlers,
      ...rooms.handlers,
      ...recording.handlers,
      ...voice.handlers,
      ...dtmf.handlers,
      ...engine.handlers,
      // Room recordings and playbacks keep their own ids in the rooms module; leg ones are in the recording module.
      'recording.stop': async (args) => (await rooms.stopRoomRecording(args.recordingId)) ?? recording.handlers['recording.stop'](args),
      'playback.stop': (args) => (rooms.stopRoomPlayback(args.playbackId) ? undefined : recording.handlers['playback.stop'](args)),
    };
  }

  request<N extends EngineCommandName>(name: N, args: EngineArgs<N>): Promise<EngineResult<N>> {
    const handler: Handler<N> | undefined = Object.hasOwn(this.#handlers, name) ? this.#handlers[name] : undefined;
    if (handler === undefined) return Promise.reject(new MediaError('ERR_UNKNOWN_COMMAND', `unknown media command "${String(name)}"`));
    if (this.#closed && name !== 'engine.close' && name !== 'leg.close') {
      return Promise.reject(new MediaError('ERR_ENGINE_CLOSED', `media engine is closed; cannot run ${name}`));
    }
    try {
      return Promise.resolve(handler(args));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  onEvent(listener: (event: EngineEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Delivers an event to every listener on a microtask (never inside the
   * packet or tick that caused it, as a worker would); a throwing listener is
   * logged and the others still run.
   */
  readonly #emit = (event: EngineEvent): void => {
    queueMicrotask(() => {
      for (const listener of this.#listeners) {
        try {
          listener(event);
        } catch (error) {
          this.#log.error({ err: error, event: event.type }, 'media event listener threw');
        }
      }
    });
  };

  #leg(legId: string): Leg {
    const leg = this.#legs.get(legId);
    if (leg === undefined) throw new MediaError('ERR_NO_SUCH_LEG', `no media leg "${String(legId)}"`);
    return leg;
  }

  async #createLeg(args: EngineArgs<'leg.create'>): Promise<LocalMedia> {
    const legId = requireString(args.legId, 'leg.create: legId');
    const callId = requireString(args.callId, 'leg.create: callId');
    if (this.#legs.has(legId) || this.#creating.has(legId)) throw new MediaError('ERR_LEG_EXISTS', `media leg "${legId}" already exists`);
    this.#creating.add(legId);
    try {
      const pair = await this.#pool.allocate();
      if (this.#closed) {
        await this.#pool.release(pair);
        throw new MediaError('ERR_ENGINE_CLOSED', 'media engine closed while the leg was being created');
      }
      const rtp = this.#options.rtp;
      const leg = new Leg({
        legId,
        callId,
        pair,
        clock: this.#clock,
        jitterBufferMs: rtp.jitterBufferMs,
        jitterBuffer: rtp.jitterBuffer,
        timeoutMs: rtp.timeoutSeconds * 1000,
        logger: this.#options.logger,
        emit: this.#emit,
        ...(this.#options.codecs !== undefined ? { codecSettings: this.#options.codecs } : {}),
        ...(this.#options.random !== undefined ? { random: this.#options.random } : {}),
      });
      this.#legs.set(legId, leg);
      return { legId, address: this.#advertisedAddress(args.advertiseAddress), rtpPort: pair.rtpPort, rtcpPort: pair.rtcpPort };
    } finally {
      this.#creating.delete(legId);
    }
  }

  /** The configured external address, else a specific bind address, else where the call's signalling arrived. */
  #advertisedAddress(signallingAddress: string): string {
    const { externalAddress, bindAddress } = this.#options.rtp;
    if (externalAddress !== '') return externalAddress;
    if (!WILDCARD_ADDRESSES.has(bindAddress) && isIP(bindAddress) !== 0) return bindAddress;
    return requireString(signallingAddress, 'leg.create: advertiseAddress');
  }

  async #closeLeg(legId: string): Promise<void> {
    const leg = this.#legs.get(legId);
    if (leg === undefined) return;
    this.#legs.delete(legId);
    for (const listener of this.#legClosing) {
      try {
        listener(leg);
      } catch (error) {
        this.#log.error({ err: error, legId }, 'leg-closing hook threw');
      }
    }
    const stats = leg.close();
    await this.#pool.release(leg.pair);
    this.#emit({ type: 'leg.closed', legId, stats });
  }

  async #close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const module of Object.values(this.#modules) as CommandModule<object>[]) await module.close?.();
    await Promise.all([...this.#legs.keys()].map((legId) => this.#closeLeg(legId)));
    this.#clock.close();
  }
}
