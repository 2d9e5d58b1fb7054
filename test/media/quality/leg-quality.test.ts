/** A leg's receive quality end to end: impaired RTP in → MOS in stats and leg.quality events; RTCP from the far end → stats.remote. */
import t from 'tap';
import { CompoundPacket, ReceiverReportPacket, ReceptionReport } from 'rtp.js/packets';
import { rtpDatagram } from '../../fixtures/rtp/packets.js';
import { harness, pcmuParams, pcmuTone, peer } from '../helpers/engine-harness.js';

const PORTS = '49320-49359';
/** Longer than the longest randomised RTCP interval (1.5 × 5 s): one evaluation has run. */
const ONE_INTERVAL_MS = 7600;

t.test('20 % loss makes the leg poor (leg.quality), clean media brings it back to good', async (t) => {
  const h = harness(t, PORTS);
  const caller = await peer(t);
  const local = await h.engine.request('leg.create', { legId: 'q', callId: 'c', advertiseAddress: '127.0.0.1' });
  await h.engine.request('leg.update', { legId: 'q', params: pcmuParams(caller.port) });
  const [payload = new Uint8Array(160)] = pcmuTone(1);
  t.equal((await h.stats('q')).mos, null, 'no MOS before media');

  let sent = 0;
  for (let seq = 1; seq <= 200; seq++) {
    if (seq % 5 === 0) continue; // every fifth packet lost: 20 % random loss
    caller.send(rtpDatagram({ pt: 0, seq, ts: seq * 160, ssrc: 7 }, payload), local.rtpPort);
    sent++;
  }
  const before = await h.until('q', (s) => s.rx.packets === sent);
  t.ok(before.mos !== null && before.mos < 3.1, `MOS from the call so far is poor (${String(before.mos)})`);
  t.equal(h.events.filter((e) => e.type === 'leg.quality').length, 0, 'events only at the evaluation interval, not per packet');

  h.clock.advance(ONE_INTERVAL_MS);
  const poor = await h.event('leg.quality');
  t.equal(poor.level, 'poor');
  t.ok(Math.abs(poor.lossPercent - 20) < 1, `loss ${poor.lossPercent} %`);
  t.ok(poor.mos > 2 && poor.mos < 3.1, `MOS ${poor.mos}`);
  t.equal(poor.rttMs, null, 'no RTT without an SR/RR exchange');

  // Nothing new in the next window (a pause): no evaluation, no event.
  h.clock.advance(ONE_INTERVAL_MS);
  await Promise.resolve();
  t.equal(h.events.filter((e) => e.type === 'leg.quality').length, 1);

  for (let seq = 201; seq <= 400; seq++) caller.send(rtpDatagram({ pt: 0, seq, ts: seq * 160, ssrc: 7 }, payload), local.rtpPort);
  await h.until('q', (s) => s.rx.packets === sent + 200);
  h.clock.advance(ONE_INTERVAL_MS);
  await h.until('q', () => h.events.filter((e) => e.type === 'leg.quality').length === 2);
  const good = h.events.filter((e) => e.type === 'leg.quality')[1];
  t.match(good, { type: 'leg.quality', legId: 'q', level: 'good' });
  const stats = await h.stats('q');
  t.ok(stats.mos !== null && stats.mos > 4.3, `stats.mos is the last window's (${String(stats.mos)})`);
});

t.test('the far end\'s receiver report about our stream fills stats.remote (rtcp-mux both ways)', async (t) => {
  const h = harness(t, PORTS);
  const caller = await peer(t);
  const local = await h.engine.request('leg.create', { legId: 'r', callId: 'c', advertiseAddress: '127.0.0.1' });
  await h.engine.request('leg.update', { legId: 'r', params: pcmuParams(caller.port, { rtcpMux: true }) });
  t.equal((await h.stats('r')).remote, null);
  h.clock.advance(ONE_INTERVAL_MS);
  await caller.receivedCount(1);
  const ours = caller.received.find((r) => r.data[1] === 200 || r.data[1] === 201);
  t.ok(ours !== undefined, 'our RTCP report arrived on the RTP port (mux)');
  const ourSsrc = ours?.data.readUInt32BE(4) ?? 0;

  const block = new ReceptionReport();
  block.setSsrc(ourSsrc);
  block.setFractionLost(64);
  block.setTotalLost(12);
  block.setJitter(80);
  const rr = new ReceiverReportPacket();
  rr.setSsrc(0x5151);
  rr.addReport(block);
  const compound = new CompoundPacket();
  compound.addPacket(rr);
  const view = compound.getView();
  caller.send(new Uint8Array(view.buffer, view.byteOffset, view.byteLength), local.rtpPort);
  const stats = await h.until('r', (s) => s.remote !== null);
  t.same(stats.remote, { lossFraction: 0.25, cumulativeLost: 12, jitterMs: 10 });
});
