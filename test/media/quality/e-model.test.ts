import t from 'tap';
import { burstRatio, codecImpairment, delayImpairment, eModel, mosFromR } from '../../../media/quality/e-model.js';
import { bandOf, QualityMonitor } from '../../../media/quality/quality-monitor.js';

const g711 = codecImpairment('PCMU');

t.test('G.107 reference points (default parameters)', async (t) => {
  const clean = eModel({ codec: g711, oneWayDelayMs: 0, lossPercent: 0, burstRatio: 1 });
  t.ok(Math.abs(clean.r - 93.2) < 0.1, `R with all defaults is 93.2 (${clean.r.toFixed(2)})`);
  t.ok(Math.abs(clean.mos - 4.41) < 0.01, `G.711 without loss ≈ 4.41 (${clean.mos.toFixed(3)})`);
  // G.711 + Appendix I PLC (Bpl 25.1), 5 % random loss: Ie,eff = 95·5/30.1 = 15.8 → R ≈ 77.4.
  const lossy = eModel({ codec: g711, oneWayDelayMs: 0, lossPercent: 5, burstRatio: 1 });
  t.ok(Math.abs(lossy.ieEff - 15.78) < 0.01, `Ie,eff ${lossy.ieEff.toFixed(2)}`);
  t.ok(lossy.mos > 3.85 && lossy.mos < 4.0, `5 % random loss with PLC ≈ 3.9 (${lossy.mos.toFixed(3)})`);
  const tenPercent = eModel({ codec: g711, oneWayDelayMs: 0, lossPercent: 10, burstRatio: 1 });
  t.ok(tenPercent.mos > 3.1 && tenPercent.mos < 3.5, `10 % random loss ≈ 3.4 (${tenPercent.mos.toFixed(3)})`);
  const bursty = eModel({ codec: g711, oneWayDelayMs: 0, lossPercent: 5, burstRatio: 2 });
  t.ok(bursty.mos < lossy.mos - 0.03, `the same loss in bursts rates lower (${bursty.mos.toFixed(3)})`);
});

t.test('delay impairment: negligible up to ~150 ms, then grows (G.107 Idd)', async (t) => {
  t.ok(delayImpairment(0) < 0.3, `Id(0) ${delayImpairment(0).toFixed(2)} (listener echo only)`);
  t.ok(delayImpairment(100) < 4, `Id(100) ${delayImpairment(100).toFixed(2)}`);
  const at400 = delayImpairment(400);
  t.ok(at400 > 20 && at400 < 45, `Id(400) ${at400.toFixed(2)}`);
  t.ok(delayImpairment(200) < delayImpairment(300), 'monotonic');
  const far = eModel({ codec: g711, oneWayDelayMs: 400, lossPercent: 0, burstRatio: 1 });
  t.ok(far.mos < 4.0 && far.mos > 3.0, `G.711 at 400 ms one way is fair (${far.mos.toFixed(2)})`);
});

t.test('MOS mapping, codec table and burstiness estimate', async (t) => {
  t.equal(mosFromR(-5), 1);
  t.equal(mosFromR(120), 4.5);
  t.ok(Math.abs(mosFromR(50) - 2.58) < 0.01, `MOS(50) ${mosFromR(50).toFixed(3)}`);
  t.same(codecImpairment('pcma'), g711);
  t.equal(codecImpairment('G722').band, 'wideband');
  t.equal(codecImpairment('no-such-codec').bpl, 25.1, 'unknown codecs are rated like G.711');
  const g722 = eModel({ codec: codecImpairment('G722'), oneWayDelayMs: 40, lossPercent: 0, burstRatio: 1 });
  t.ok(g722.mos > 4.2 && g722.mos <= 4.5, `G.722 clean ${g722.mos.toFixed(2)}`);
  t.equal(burstRatio(1000, 0, 0), 1, 'no loss');
  // 50 isolated losses in 1000: p = 0.05, q = 1 → BurstR ≈ 0.95, clamped to 1 (random).
  t.equal(burstRatio(950, 50, 50), 1);
  // 50 lost in 5 bursts of 10: p = 5/950, q = 0.1 → BurstR ≈ 9.5.
  t.ok(Math.abs(burstRatio(950, 50, 5) - 1 / (5 / 950 + 0.1)) < 1e-9);
});

t.test('quality bands with hysteresis', async (t) => {
  t.equal(bandOf(4.0), 'good');
  t.equal(bandOf(3.99), 'fair');
  t.equal(bandOf(3.1), 'fair');
  t.equal(bandOf(3.09), 'poor');
  const monitor = new QualityMonitor(0.1);
  t.equal(monitor.evaluate(4.3), null, 'starts good');
  t.equal(monitor.evaluate(3.95), null, 'just under 4.0 is within the hysteresis');
  t.equal(monitor.evaluate(3.85), 'fair');
  t.equal(monitor.evaluate(4.05), null, 'just over 4.0 does not flap back');
  t.equal(monitor.evaluate(4.15), 'good');
  t.equal(monitor.evaluate(2.0), 'poor', 'a big drop goes straight to poor');
  t.equal(monitor.evaluate(3.15), null);
  t.equal(monitor.evaluate(3.5), 'fair');
  t.equal(monitor.level, 'fair');
});
