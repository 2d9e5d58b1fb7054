/**
 * Figures a load bench derives from the server child's samples: media-clock
 * tick lateness over the measured window, and the targets as
 * pass/fail lines.
 */
import type { ServerSample } from './voxbridge-child.js';

export interface WorkerLateness {
  readonly index: number;
  readonly legs: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Ticks skipped so far (cumulative). */
  readonly missed: number;
  /** Event-loop utilisation since the previous sample, % of one core. */
  readonly cpuPercent: number;
}

/** One `engine.stats` read during the hold: each worker clock's recent window (the last 10–20 s). */
export interface LatenessSample {
  readonly atS: number;
  readonly workers: readonly WorkerLateness[];
}

export interface WindowLateness {
  /** Median over samples and workers of the recent-window p50. */
  readonly p50Ms: number;
  /** Worst recent-window p99 over samples and workers. */
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Ticks the workers' clocks skipped during the hold (woke more than a frame late). */
  readonly missedTicks: number;
  readonly samples: readonly LatenessSample[];
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? 0;
}

function missedTotal(sample: ServerSample): number {
  return sample.engine.workers.reduce((sum, w) => sum + w.clock.missed, 0);
}

export function lateness(samples: readonly LatenessSample[], start: ServerSample, end: ServerSample): WindowLateness {
  const all = samples.flatMap((s) => s.workers);
  return {
    p50Ms: median(all.map((w) => w.p50Ms)),
    p99Ms: Math.max(0, ...all.map((w) => w.p99Ms)),
    maxMs: Math.max(0, ...all.map((w) => w.maxMs)),
    missedTicks: missedTotal(end) - missedTotal(start),
    samples,
  };
}

export interface TargetInput {
  readonly legs: number;
  readonly serverLoss: number;
  readonly p99Ms: number;
  readonly rssPerLegKB: number;
}

/** The targets for echo load on the 2-core machine, each with the measured value. */
export function targets(input: TargetInput): Record<string, { target: string; measured: number; met: boolean }> {
  return {
    concurrentLegs: { target: '≥ 1000', measured: input.legs, met: input.legs >= 1000 },
    serverLoss: { target: '0 packets', measured: input.serverLoss, met: input.serverLoss === 0 },
    tickLatenessP99Ms: { target: '≤ 5 ms', measured: input.p99Ms, met: input.p99Ms <= 5 },
    rssPerLegKB: { target: '≤ 50 KB', measured: input.rssPerLegKB, met: input.rssPerLegKB <= 50 },
  };
}
