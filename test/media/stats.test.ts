import t from 'tap';
import { ReceptionStats } from '../../media/stats.js';

t.test('extended highest sequence number and loss across the wrap', async (t) => {
  const stats = new ReceptionStats(8000);
  const seqs = [65533, 65534, 65535, 1, 2]; // 0 lost
  seqs.forEach((seq, i) => stats.onPacket(7, seq, i * 160, i * 20));
  t.equal(stats.extendedHighestSeq, 65536 + 2);
  t.equal(stats.lost, 1);
  const block = stats.reportBlock();
  t.equal(block.extendedHighestSeq, 65538);
  t.equal(block.cumulativeLost, 1);
  t.equal(block.fractionLost, Math.floor(256 / 6), '1 of 6 expected');
  t.equal(block.ssrc, 7);
});

t.test('fraction lost is per report interval', async (t) => {
  const stats = new ReceptionStats(8000);
  for (let seq = 0; seq < 10; seq++) if (seq !== 3 && seq !== 4) stats.onPacket(1, seq, seq * 160, seq * 20);
  t.equal(stats.reportBlock().fractionLost, Math.floor((2 * 256) / 10));
  for (let seq = 10; seq < 20; seq++) stats.onPacket(1, seq, seq * 160, seq * 20);
  const second = stats.reportBlock();
  t.equal(second.fractionLost, 0, 'nothing lost in the second interval');
  t.equal(second.cumulativeLost, 2);
});

t.test('interarrival jitter follows RFC 3550 A.8', async (t) => {
  const perfect = new ReceptionStats(8000);
  for (let i = 0; i < 50; i++) perfect.onPacket(1, i, i * 160, 1000 + i * 20);
  t.equal(perfect.jitterMs, 0, 'no jitter when arrivals match timestamps');

  const jittery = new ReceptionStats(8000);
  // Arrivals alternate 10 ms early/late around the 20 ms grid: |D| = 20 ms = 160 units each time.
  let expected = 0;
  for (let i = 0; i < 40; i++) {
    jittery.onPacket(1, i, i * 160, i * 20 + (i % 2 === 0 ? 0 : 20));
    if (i > 0) expected += (160 - expected) / 16;
  }
  t.ok(Math.abs(jittery.jitterMs - (expected * 1000) / 8000) < 1e-9, `jitter ${jittery.jitterMs.toFixed(3)} ms`);
  t.equal(jittery.reportBlock().jitter, Math.floor(expected));
});

t.test('duplicates do not make loss negative; a new SSRC restarts the counts', async (t) => {
  const stats = new ReceptionStats(8000);
  stats.onPacket(1, 10, 0, 0);
  stats.onPacket(1, 10, 0, 1);
  t.equal(stats.lost, 0);
  t.equal(stats.reportBlock().cumulativeLost, 0);
  stats.onPacket(2, 500, 0, 2);
  t.equal(stats.ssrc, 2);
  t.equal(stats.received, 1);
  t.equal(stats.extendedHighestSeq, 500);
});

t.test('a sequence jump needs two packets in a row before it restarts the source', async (t) => {
  const stats = new ReceptionStats(8000);
  for (let seq = 0; seq < 5; seq++) stats.onPacket(1, seq, seq * 160, seq * 20);
  stats.onPacket(1, 30000, 0, 200); // a stray packet: ignored
  t.equal(stats.extendedHighestSeq, 4);
  stats.onPacket(1, 5, 800, 220);
  t.equal(stats.extendedHighestSeq, 5);
  stats.onPacket(1, 40000, 0, 300);
  stats.onPacket(1, 40001, 160, 320); // continues from the jump: the sender restarted
  t.equal(stats.extendedHighestSeq, 40001);
  t.equal(stats.received, 1, 'counts restart');
});

t.test('loss bursts count runs of missing sequence numbers (E-model burstiness)', async (t) => {
  const stats = new ReceptionStats(8000);
  // Gaps: 3, 6-8 and 11-12 (three runs); 11 then arrives late: the run still counts.
  for (const seq of [1, 2, 4, 5, 9, 10, 13, 11]) stats.onPacket(9, seq, seq * 160, seq * 20);
  t.equal(stats.lossBursts, 3);
  t.equal(stats.expected, 13);
  t.equal(stats.lost, 13 - 8);
  stats.onPacket(10, 1, 0, 300);
  t.equal(stats.lossBursts, 0, 'a new source starts over');
});
