import t from 'tap';
import { lateness, targets, type LatenessSample } from '../../../scripts/load/load-figures.js';
import type { ServerSample } from '../../../scripts/load/voxbridge-child.js';

function serverSample(missed: readonly number[]): ServerSample {
  const clock = { ticks: 0, missed: 0, latenessP50Ms: 0, latenessP99Ms: 0, latenessMaxMs: 0, total: { ticks: 0, p50Ms: 0, p99Ms: 0, maxMs: 0 } };
  return {
    engine: {
      legs: 0,
      rooms: 0,
      workers: missed.map((m, index) => ({ index, threadId: index, legs: 0, rooms: 0, cpuPercent: 0, clock: { ...clock, missed: m }, restarts: 0, heapUsedBytes: 0, externalBytes: 0 })),
    },
    process: { atMs: 0, cpuUserUs: 0, cpuSystemUs: 0, rssBytes: 0, heapUsedBytes: 0, externalBytes: 0 },
    activeCalls: 0,
  };
}

t.test('window lateness: median p50, worst p99 and max over samples and workers, missed ticks as a difference', async (t) => {
  const worker = (index: number, p50Ms: number, p99Ms: number, maxMs: number) => ({ index, legs: 1, p50Ms, p99Ms, maxMs, missed: 0, cpuPercent: 0 });
  const samples: LatenessSample[] = [
    { atS: 10, workers: [worker(0, 0.1, 2, 4), worker(1, 0.2, 3, 9)] },
    { atS: 20, workers: [worker(0, 0.3, 6, 7), worker(1, 0.1, 1, 2)] },
  ];
  const figures = lateness(samples, serverSample([5, 1]), serverSample([8, 4]));
  t.equal(figures.p50Ms, 0.1, 'median of 0.1, 0.1, 0.2, 0.3 (lower middle)');
  t.equal(figures.p99Ms, 6);
  t.equal(figures.maxMs, 9);
  t.equal(figures.missedTicks, 6);
});

t.test('targets say met or not against the issue figures', async (t) => {
  const met = targets({ legs: 1000, serverLoss: 0, p99Ms: 5, rssPerLegKB: 50 });
  t.ok(Object.values(met).every((line) => line.met));
  const missed = targets({ legs: 999, serverLoss: 1, p99Ms: 5.1, rssPerLegKB: 51 });
  t.ok(Object.values(missed).every((line) => !line.met));
});
