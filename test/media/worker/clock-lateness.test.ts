/** Tick lateness in media/media-clock.ts: histogram percentiles and windows, driven by a ManualClock. */
import t from 'tap';
import { ManualClock } from '../../../media/index.js';
import { LatenessHistogram } from '../../../media/media-clock.js';

t.test('histogram percentiles are bucket upper edges, bounded by the exact maximum', async (t) => {
  const histogram = new LatenessHistogram();
  t.same(histogram.summary(), { ticks: 0, p50Ms: 0, p99Ms: 0, maxMs: 0 });
  for (let i = 0; i < 98; i++) histogram.record(0.32);
  histogram.record(4.02);
  histogram.record(37.5);
  const summary = histogram.summary();
  t.equal(summary.ticks, 100);
  t.equal(summary.p50Ms, 0.35, '0.32 ms lies in the 0.30–0.35 bucket');
  t.equal(summary.p99Ms, 4.05);
  t.equal(summary.maxMs, 37.5);
  histogram.record(-2);
  t.equal(histogram.summary().ticks, 101, 'an early tick counts as 0 ms late');
  const big = new LatenessHistogram();
  big.record(900);
  t.equal(big.summary().p99Ms, 900, 'the overflow bucket reports the exact maximum');
});

t.test('the clock records how late each tick ran, in a recent window and in total', async (t) => {
  const clock = new ManualClock();
  t.teardown(() => clock.close());
  clock.onTick(() => undefined);
  clock.advance(20 * 10);
  let lateness = clock.lateness();
  t.equal(lateness.total.ticks, 10);
  t.equal(lateness.total.maxMs, 0, 'ticks on time under a manual clock');
  clock.stall(47);
  lateness = clock.lateness();
  t.equal(lateness.total.ticks, 11);
  t.equal(lateness.total.maxMs, 27, 'stalled 47 ms from the last tick: 27 ms past the next deadline');
  t.equal(lateness.recent.maxMs, 27);
  t.equal(clock.counters().missed, 1, 'one slot skipped');
  // Two windows later the late tick has left the recent figures but stays in the total.
  clock.advance(20 * 1200);
  lateness = clock.lateness();
  t.equal(lateness.recent.maxMs, 0);
  t.ok(lateness.recent.ticks <= 1000 && lateness.recent.ticks > 500, 'recent covers one to two windows');
  t.equal(lateness.total.maxMs, 27);
});
