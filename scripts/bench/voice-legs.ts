/**
 * The voice host's part of `npm run bench -- voice`: how many transformed legs
 * run at once with no fallback frame. Each step runs N legs through the real
 * host (VoiceStage + VoiceWorkerPool + dsp/voice processors in worker
 * threads) on the real media clock: every 20 ms, all legs capture a frame of
 * speech, then all collect (waiting at most the engine-wide collect budget,
 * as the engine does). After a warm-up, any fallback frame fails the step.
 * N grows until a step fails; the result is the largest N that passed.
 *
 * Flags: --legs-rate R (16000), --legs-preset P (female), --legs-seconds S
 * per step (3), --legs-workers W (voice workers; 0 = one per core),
 * --legs-budget MS (voice.collectBudgetMs default), --legs-max N (400).
 */
import { availableParallelism } from 'node:os';
import { pino } from 'pino';
import { defaultConfig } from '../../config/index.js';
import { createMediaClock } from '../../media/media-clock.js';
import { CollectBudget } from '../../media/voice/collect-budget.js';
import { defaultProcessorModule } from '../../media/voice/processor.js';
import { VoiceWorkerPool } from '../../media/voice/voice-pool.js';
import { VoiceStage } from '../../media/voice/voice-stage.js';
import type { VoicePreset } from '../../media/protocol.js';

const STEPS = [10, 25, 50, 75, 100, 125, 150, 200, 250, 300, 400];
const WARM_UP_TICKS = 50;

interface Step {
  readonly legs: number;
  readonly ticks: number;
  readonly fallbackFrames: number;
  /** Share of ticks whose capture+collect took longer than the 20 ms frame. */
  readonly lateTicks: number;
  /** Mean time per tick the media thread spent in capture + collect (ms). */
  readonly meanTickMs: number;
}

function option(args: readonly string[], name: string, fallback: number): number {
  const at = args.indexOf(name);
  const value = at >= 0 ? Number(args[at + 1]) : Number.NaN;
  return Number.isFinite(value) ? value : fallback;
}

/** A 20 ms frame of a harmonic, speech-like signal (150 Hz + harmonics, slowly varying level). */
function speechLike(rate: number, tick: number, leg: number, out: Int16Array): void {
  const f0 = 120 + (leg % 7) * 15;
  const level = 4000 + 2000 * Math.sin(tick / 25);
  for (let i = 0; i < out.length; i++) {
    const t = (tick * out.length + i) / rate;
    out[i] = Math.round(level * (Math.sin(2 * Math.PI * f0 * t) + 0.5 * Math.sin(4 * Math.PI * f0 * t) + 0.25 * Math.sin(6 * Math.PI * f0 * t)));
  }
}

async function runStep(legs: number, rate: number, preset: VoicePreset, seconds: number, workers: number, budgetMs: number): Promise<Step> {
  const logger = pino({ level: 'silent' });
  const pool = new VoiceWorkerPool({
    size: workers,
    processorModule: defaultProcessorModule(),
    logger,
    setTimer: (delayMs, callback) => {
      const handle = setTimeout(callback, delayMs);
      return () => clearTimeout(handle);
    },
    now: () => performance.now(),
    onRestart: () => undefined,
  });
  const budget = new CollectBudget(budgetMs);
  const settings = { preset };
  const stages = Array.from(
    { length: legs },
    (_, i) =>
      new VoiceStage({ legId: `leg-${i}`, settings, spec: settings, configuredFallback: 'silence', pool, budget, seed: i + 1, logger, onDisabled: () => undefined }),
  );
  const frames = stages.map(() => new Int16Array(rate / 50));
  const totalTicks = WARM_UP_TICKS + Math.round((seconds * 1000) / 20);
  const clock = createMediaClock();
  let tick = 0;
  let fallbackAtWarmUp = 0;
  let late = 0;
  let busyMs = 0;
  let started = 0;
  await new Promise<void>((resolve) => {
    clock.onTick((t) => {
      started = performance.now();
      const context = { sampleRate: rate, kind: 'audio' as const, tickIndex: t.index };
      stages.forEach((stage, i) => {
        const frame = frames[i] ?? new Int16Array(0);
        speechLike(rate, tick, i, frame);
        stage.capture(frame, context);
      });
    }, 'capture');
    clock.onTick((t) => {
      const context = { sampleRate: rate, kind: 'audio' as const, tickIndex: t.index };
      stages.forEach((stage, i) => stage.collect(frames[i] ?? new Int16Array(0), context));
      const spent = performance.now() - started;
      tick++;
      if (tick === WARM_UP_TICKS) fallbackAtWarmUp = stages.reduce((sum, s) => sum + s.counters.overruns, 0);
      if (tick > WARM_UP_TICKS) {
        busyMs += spent;
        if (spent > 20 || t.missed > 0) late++;
      }
      if (tick >= totalTicks) {
        clock.close();
        resolve();
      }
    }, 'collect');
  });
  const fallbackFrames = stages.reduce((sum, s) => sum + s.counters.overruns, 0) - fallbackAtWarmUp;
  for (const stage of stages) stage.close();
  await pool.close();
  const measured = totalTicks - WARM_UP_TICKS;
  return { legs, ticks: measured, fallbackFrames, lateTicks: Number((late / measured).toFixed(4)), meanTickMs: Number((busyMs / measured).toFixed(3)) };
}

/** Called by scripts/bench/voice.ts; its result becomes `concurrentLegs`. */
export async function voiceLegs(args: readonly string[]): Promise<unknown> {
  const rate = option(args, '--legs-rate', 16000);
  const presetAt = args.indexOf('--legs-preset');
  const preset = ((presetAt >= 0 ? args[presetAt + 1] : undefined) ?? 'female') as VoicePreset;
  const seconds = option(args, '--legs-seconds', args.includes('--quick') ? 1 : 3);
  const workersArg = option(args, '--legs-workers', 0);
  const workers = workersArg > 0 ? workersArg : availableParallelism();
  const budgetMs = option(args, '--legs-budget', defaultConfig().voice.collectBudgetMs);
  const max = option(args, '--legs-max', 400);
  const steps: Step[] = [];
  let sustained = 0;
  for (const legs of STEPS) {
    if (legs > max) break;
    const step = await runStep(legs, rate, preset, seconds, workers, budgetMs);
    steps.push(step);
    if (step.fallbackFrames > 0) break;
    sustained = legs;
  }
  return { sampleRate: rate, preset, voiceWorkers: workers, cores: availableParallelism(), collectBudgetMs: budgetMs, secondsPerStep: seconds, sustainedLegs: sustained, steps };
}
