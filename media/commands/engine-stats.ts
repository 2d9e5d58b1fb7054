/**
 * `engine.stats` for one engine (in-process, or one media worker): its legs,
 * the clock's tick counters and lateness, and CPU. A worker host aggregates
 * one of these per worker and fills in the worker's index and restarts.
 *
 * CPU: Node 20 has no per-thread CPU clock, so the figure is the event-loop
 * utilisation of the engine's thread since the previous `engine.stats` call
 * (share of wall time the loop was busy running JavaScript or native work
 * rather than waiting in epoll), as a percentage of one core. In a worker
 * that is the media thread alone; in-process it includes the control plane.
 */
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { threadId } from 'node:worker_threads';
import type { CommandModule, EngineContext } from '../engine-context.js';
import type { InProcessEngineOptions } from '../in-process-engine.js';
import type { ClockStats, EngineStats, EngineWideCommands } from '../protocol.js';

/** Stats of one engine's clock, in the contract's shape. */
export function clockStats(context: EngineContext): ClockStats {
  const { ticks, missed } = context.clock.counters();
  const { recent, total } = context.clock.lateness();
  return {
    ticks,
    missed,
    latenessP50Ms: recent.p50Ms,
    latenessP99Ms: recent.p99Ms,
    latenessMaxMs: recent.maxMs,
    total: { ticks: total.ticks, p50Ms: total.p50Ms, p99Ms: total.p99Ms, maxMs: total.maxMs },
  };
}

function countLegs(context: EngineContext): number {
  let legs = 0;
  for (const leg of context.legs()) if (!leg.closed) legs++;
  return legs;
}

export function createEngineStatsCommands(context: EngineContext, _options: InProcessEngineOptions): CommandModule<EngineWideCommands> {
  let lastUtilization: EventLoopUtilization = performance.eventLoopUtilization();

  const cpuPercent = (): number => {
    const now = performance.eventLoopUtilization();
    const delta = performance.eventLoopUtilization(now, lastUtilization);
    lastUtilization = now;
    return Math.round(delta.utilization * 1000) / 10;
  };

  const stats = (): EngineStats => {
    const legs = countLegs(context);
    const memory = process.memoryUsage();
    return {
      legs,
      // Rooms live in the rooms module; the engine context does not expose them (a worker host counts them itself).
      rooms: 0,
      workers: [
        {
          index: 0,
          threadId,
          legs,
          rooms: 0,
          cpuPercent: cpuPercent(),
          clock: clockStats(context),
          restarts: 0,
          heapUsedBytes: memory.heapUsed,
          externalBytes: memory.external,
        },
      ],
    };
  };

  return { handlers: { 'engine.stats': stats } };
}
