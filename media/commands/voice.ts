/**
 * Voice transforms on legs (`leg.voice`, `leg.voice.stats`): installs the
 * leg's `voice` input stage (media/voice/voice-stage.ts) and owns the voice
 * worker pool, which starts lazily with the first transformed leg.
 */
import { availableParallelism } from 'node:os';
import { randomInt } from 'node:crypto';
import type { Config } from '../../config/index.js';
import type { CommandModule, EngineContext } from '../engine-context.js';
import { MediaError } from '../errors.js';
import type { Leg } from '../leg.js';
import type { VoiceCommands, VoiceSettings, VoiceStats } from '../protocol.js';
import { CollectBudget } from '../voice/collect-budget.js';
import { defaultProcessorModule } from '../voice/processor.js';
import { validateVoiceSettings, VoiceSettingsError } from '../voice/settings.js';
import { VoiceWorkerPool } from '../voice/voice-pool.js';
import { buildVoiceSpec } from '../voice/voice-spec.js';
import { VoiceStage } from '../voice/voice-stage.js';

const DEFAULT_VOICE: Config['voice'] = { workers: 0, fallback: 'comfort-noise', collectBudgetMs: 3, profilesDir: 'voices' };
/** If a disabled leg stops ticking before its fade-out frame, the stage is removed after this anyway. */
const DISABLE_GRACE_MS = 100;

export interface VoiceCommandOptions {
  /** Config `voice`; built-in defaults when absent. */
  readonly voice?: Config['voice'];
  /** URL of the processor module the workers load (default: dsp/voice); tests pass their own. */
  readonly voiceProcessorModule?: string;
}

export interface VoiceModule extends CommandModule<VoiceCommands> {
  /** The worker pool, null until the first transformed leg (tests inject crashes through it). */
  pool(): VoiceWorkerPool | null;
}

/** Counts kept across a leg's stages (enable, disable, enable again). */
interface LegVoice {
  stage: VoiceStage | null;
  retired: { framesProcessed: number; overruns: number; workerRestarts: number };
}

export function createVoiceCommands(context: EngineContext, options: VoiceCommandOptions): VoiceModule {
  const config = options.voice ?? DEFAULT_VOICE;
  const budget = new CollectBudget(config.collectBudgetMs);
  const legs = new Map<string, LegVoice>();
  let pool: VoiceWorkerPool | null = null;
  let closed = false;

  const ensurePool = (): VoiceWorkerPool => {
    if (pool !== null) return pool;
    let processorModule: string;
    try {
      processorModule = options.voiceProcessorModule ?? defaultProcessorModule();
    } catch (error) {
      throw new MediaError('ERR_INVALID_ARGS', `voice transforms are not available: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    pool = new VoiceWorkerPool({
      size: config.workers > 0 ? config.workers : availableParallelism(),
      processorModule,
      logger: context.logger,
      setTimer: (delayMs, callback) => {
        const handle = setTimeout(callback, delayMs);
        return () => clearTimeout(handle);
      },
      now: () => performance.now(),
      onRestart: (workerIndex, count) => context.emit({ type: 'voice.worker-restarted', workerIndex, legs: count }),
    });
    return pool;
  };

  const retire = (state: LegVoice): void => {
    const stage = state.stage;
    if (stage === null) return;
    state.retired.framesProcessed += stage.counters.framesProcessed;
    state.retired.overruns += stage.counters.overruns;
    state.retired.workerRestarts += stage.counters.workerRestarts;
    state.stage = null;
  };

  const removeStage = (leg: Leg, state: LegVoice, stage: VoiceStage): void => {
    if (state.stage !== stage) return;
    retire(state);
    if (leg.inputStage('voice') === stage) leg.setInputStage('voice', null);
    else stage.close();
  };

  const enable = (leg: Leg, settings: VoiceSettings, spec: unknown): void => {
    const state = legs.get(leg.legId) ?? { stage: null, retired: { framesProcessed: 0, overruns: 0, workerRestarts: 0 } };
    legs.set(leg.legId, state);
    if (state.stage !== null) {
      state.stage.update(settings, spec);
      return;
    }
    const stage: VoiceStage = new VoiceStage({
      legId: leg.legId,
      settings,
      spec,
      configuredFallback: config.fallback,
      pool: ensurePool(),
      budget,
      seed: randomInt(1, 2 ** 32 - 1),
      logger: context.logger,
      onDisabled: () => removeStage(leg, state, stage),
    });
    state.stage = stage;
    leg.setInputStage('voice', stage);
  };

  const disable = (leg: Leg): void => {
    const state = legs.get(leg.legId);
    const stage = state?.stage;
    if (state === undefined || stage === null || stage === undefined) return;
    stage.disable();
    if (state.stage === stage) context.clock.setTimer(DISABLE_GRACE_MS, () => removeStage(leg, state, stage));
  };

  context.onLegClosing((leg) => {
    const state = legs.get(leg.legId);
    if (state === undefined) return;
    legs.delete(leg.legId);
    const stage = state.stage;
    if (stage !== null) removeStage(leg, state, stage);
  });

  const handlers: VoiceModule['handlers'] = {
    'leg.voice': async ({ legId, settings }) => {
      if (closed) throw new MediaError('ERR_ENGINE_CLOSED', 'voice transforms are closed');
      if (settings === null) return disable(context.leg(legId));
      context.leg(legId);
      let valid: VoiceSettings;
      let spec: unknown;
      try {
        valid = validateVoiceSettings(settings);
        spec = await buildVoiceSpec(valid, config.profilesDir);
      } catch (error) {
        if (error instanceof VoiceSettingsError) throw new MediaError('ERR_INVALID_ARGS', `leg.voice: ${error.message}`, { cause: error });
        throw error;
      }
      // The leg may have closed (or the engine) while a profile was read.
      if (closed) throw new MediaError('ERR_ENGINE_CLOSED', 'voice transforms are closed');
      enable(context.leg(legId), valid, spec);
    },
    'leg.voice.stats': ({ legId }): VoiceStats => {
      context.leg(legId);
      const state = legs.get(legId);
      const stage = state?.stage ?? null;
      const retired = state?.retired ?? { framesProcessed: 0, overruns: 0, workerRestarts: 0 };
      const active = stage !== null && !stage.disabling;
      return {
        active,
        preset: active ? (stage.settings.preset ?? null) : null,
        framesProcessed: retired.framesProcessed + (stage?.counters.framesProcessed ?? 0),
        overruns: retired.overruns + (stage?.counters.overruns ?? 0),
        workerRestarts: retired.workerRestarts + (stage?.counters.workerRestarts ?? 0),
      };
    },
  };

  return {
    handlers,
    pool: () => pool,
    async close() {
      closed = true;
      for (const leg of context.legs()) {
        const state = legs.get(leg.legId);
        if (state?.stage !== null && state?.stage !== undefined) removeStage(leg, state, state.stage);
      }
      legs.clear();
      await pool?.close();
      pool = null;
    },
  };
}
