// The adaptive jitter buffer under a simulated network (seeded, no sockets, no real time).
import t from 'tap';
import { simulate, window, type NetworkProfile, type TracePoint } from '../helpers/network-sim.js';

const mean = (points: readonly TracePoint[], key: 'targetMs' | 'currentMs'): number => points.reduce((s, p) => s + p[key], 0) / Math.max(1, points.length);
const calm: NetworkProfile = { baseDelayMs: 30, jitter: { kind: 'constant' } };
/** 30 ms mean jitter, two ways. */
const uniform30: NetworkProfile = { baseDelayMs: 30, jitter: { kind: 'uniform', maxMs: 60 } };
const gamma30: NetworkProfile = { baseDelayMs: 30, jitter: { kind: 'gamma', meanMs: 30, shape: 2 } };

for (const [name, profile] of [['uniform', uniform30], ['gamma', gamma30]] as const) {
  t.test(`30 ms ${name} jitter + 2 % loss: playout loss ≤ network loss + 0.5 %, target within 2 × p95 jitter`, async (t) => {
    const r = simulate({ seed: 7, phases: [{ untilMs: 30000, profile: { ...profile, loss: { kind: 'bernoulli', p: 0.02 } } }] });
    const netLoss = r.networkLost / r.sent;
    const playoutLoss = r.playoutLost / r.sent;
    t.ok(netLoss > 0.01, `the network lost ${(netLoss * 100).toFixed(2)} %`);
    t.ok(playoutLoss <= netLoss + 0.005, `playout lost ${(playoutLoss * 100).toFixed(2)} % (${r.late} late)`);
    const p95 = r.jitterP95[0] ?? 0;
    const settled = window(r.trace, 10000, 29000);
    const target = mean(settled, 'targetMs');
    t.ok(target <= 2 * p95, `settled target ${target.toFixed(1)} ms ≤ 2 × p95 ${p95.toFixed(1)} ms`);
    t.ok(target >= 0.8 * p95, 'and it did adapt to the jitter');
    t.ok(Math.abs(mean(settled, 'currentMs') - target) < 15, 'the playout delay follows the target');
    t.ok(r.kinds.concealed > 0 && r.kinds.audio > 0.93 * r.sent, 'losses are concealed, the rest plays');
  });
}

t.test('grows fast when jitter rises, shrinks back within 10 s when it calms', async (t) => {
  const r = simulate({ seed: 3, startDelayMs: 60, phases: [{ untilMs: 10000, profile: calm }, { untilMs: 25000, profile: gamma30 }, { untilMs: 45000, profile: calm }] });
  t.ok(mean(window(r.trace, 8000, 10000), 'targetMs') <= 25, 'on a calm network the target sits at the minimum');
  const rising = window(r.trace, 12000, 12020)[0];
  t.ok((rising?.targetMs ?? 0) >= 50, `2 s into the jitter the target is ${rising?.targetMs ?? 0} ms`);
  const high = mean(window(r.trace, 20000, 25000), 'targetMs');
  t.ok(high >= 60, `under jitter ${high.toFixed(0)} ms`);
  const after = window(r.trace, 35000, 44500); // the sender stops 200 ms before the end
  t.ok(Math.max(...after.map((p) => p.targetMs)) <= 25, 'target back at the minimum within 10 s of the calm');
  t.ok(Math.max(...after.map((p) => p.currentMs)) <= 45, 'and so is the playout delay (no delay that only grows)');
  const stats = r.jb.stats();
  t.ok(stats.acceleratedMs > 0 && stats.expandedMs > 0, 'it time-stretched both ways');
  t.equal(stats.currentMs, stats.targetMs, 'the stopped (paused) stream reports its target delay, not a delay growing with the pause');
});

for (const drift of [0.01, -0.01]) {
  t.test(`sender clock ${drift > 0 ? 'fast' : 'slow'} by 1 %: no growth, no underruns`, async (t) => {
    const r = simulate({ seed: 5, drift, phases: [{ untilMs: 60000, profile: uniform30 }] });
    t.equal(r.late, 0, 'no late packets');
    t.equal(r.playoutLost, 0, 'nothing lost');
    const early = mean(window(r.trace, 10000, 20000), 'currentMs');
    const late = mean(window(r.trace, 50000, 59000), 'currentMs');
    t.ok(Math.abs(late - early) < 20, `delay ${early.toFixed(0)} ms after 10 s, ${late.toFixed(0)} ms after 50 s`);
    t.ok(r.kinds.concealed < 10, 'hardly any concealment');
  });
}

t.test('reordering and duplicates: every packet plays once', async (t) => {
  const r = simulate({ seed: 11, phases: [{ untilMs: 20000, profile: { baseDelayMs: 30, jitter: { kind: 'uniform', maxMs: 10 }, reorderEvery: 5, reorderMs: 35, duplicate: 0.05 } }] });
  t.equal(r.playoutLost, 0, 'nothing lost');
  t.equal(r.late, 0, 'nothing late');
  t.ok(r.duplicates > 20, `${r.duplicates} duplicates dropped`);
  t.ok(r.jb.counters().outOfOrder > 100, 'reordered packets counted');
});

t.test('Gilbert burst loss is concealed and counted, not mistaken for lateness', async (t) => {
  const r = simulate({ seed: 13, phases: [{ untilMs: 20000, profile: { ...uniform30, loss: { kind: 'gilbert', pGB: 0.01, pBG: 0.3 } } }] });
  t.ok(r.networkLost > 5, `${r.networkLost} lost in bursts`);
  t.ok(r.playoutLost <= r.networkLost + 0.005 * r.sent, `${r.playoutLost} lost at playout`);
  t.ok(r.jb.counters().concealedSamples >= r.networkLost * 160 * 0.5, 'the bursts were concealed');
});

t.test('heavy-tailed (Pareto) bursts: bounded delay, audio keeps flowing', async (t) => {
  const r = simulate({ seed: 17, maxDelayMs: 200, phases: [{ untilMs: 30000, profile: { baseDelayMs: 30, jitter: { kind: 'pareto', scaleMs: 10, alpha: 1.5, capMs: 400 } } }] });
  t.ok(Math.max(...r.trace.map((p) => p.targetMs)) <= 200, 'the target never exceeds maxMs');
  t.ok(r.kinds.audio >= 0.9 * r.sent, `${r.kinds.audio} of ${r.sent} frames are audio`);
  t.ok(r.playoutLost <= 0.03 * r.sent, `${r.playoutLost} packets lost to lateness`);
});
