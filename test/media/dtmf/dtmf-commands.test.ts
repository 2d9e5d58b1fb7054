/** DTMF through the engine: sending (RFC 4733 and in-band), INFO reports, in-band detection, de-duplication. */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { TelephoneEventReceiver } from '../../../codecs/index.js';
import { DtmfDetector, renderDtmf } from '../../../dsp/index.js';
import { Leg } from '../../../media/leg.js';
import { dtmfPayload, rtpDatagram } from '../../fixtures/rtp/packets.js';
import { harness, pcmuParams, peer, rtpOnly } from '../helpers/engine-harness.js';
import { receivedPcmu, sendPcmu } from '../recording/helpers/pcmu-peer.js';

const PORTS = '46600-46639';
const TE = { payloadType: 101, clockRate: 8000 };
const hasLegUpdateHook = readFileSync(new URL('../../../media/engine-context.ts', import.meta.url), 'utf8').includes('onLegUpdated');
const hasLegDtmfHook = typeof (Leg.prototype as { setDtmfReporter?: unknown }).setDtmfReporter === 'function';

t.test('leg.dtmf.send with telephone-event: RFC 4733 packets that a receiver decodes', async (t) => {
  const h = harness(t, PORTS);
  const far = await peer(t);
  await h.engine.request('leg.create', { legId: 'te', callId: 'c', advertiseAddress: '127.0.0.1' });
  await h.engine.request('leg.update', { legId: 'te', params: pcmuParams(far.port, { telephoneEvent: TE }) });
  await h.engine.request('leg.dtmf.send', { legId: 'te', digits: '1#', durationMs: 100 });
  h.clock.advance(1000);
  await far.receivedCount(2 * 7);
  const packets = rtpOnly(far.received);
  t.ok(packets.every((p) => p.pt === 101), 'only events: the (silent) audio is not sent meanwhile');
  const receiver = new TelephoneEventReceiver();
  const reports = packets.map((p) => receiver.push(p.ts, p.payload)).filter((r) => r !== null);
  t.same(reports.map((r) => [r.digit, r.durationSamples]), [['1', 800], ['#', 800]]);
  const first = packets.filter((p) => p.ts === packets[0]?.ts);
  t.equal(first.length, 4 + 3, 'an update every 20 ms, then the end packet 3 times');
  t.same(first.map((p) => p.marker), [true, false, false, false, false, false, false], 'marker on the first packet only');
  t.same(first.map((p) => p.payload[1] ?? 0).slice(-3), [0x80 | 10, 0x80 | 10, 0x80 | 10], 'E bit and volume 10 on the end packets');
  t.same(first.map((p) => ((p.payload[2] ?? 0) << 8) | (p.payload[3] ?? 0)), [160, 320, 480, 640, 800, 800, 800]);
  const seqs = packets.map((p) => p.seq);
  t.ok(seqs.every((s, i) => i === 0 || s === ((seqs[i - 1] ?? 0) + 1) % 65536), 'consecutive sequence numbers');
  const second = packets.find((p) => p.ts !== packets[0]?.ts);
  // Digit 1 (100 ms, the last of its 5 packets the first end packet) + 2 more end packets + 100 ms pause.
  t.equal(((second?.ts ?? 0) - (packets[0]?.ts ?? 0)) >>> 0, 8 * (100 + 40 + 100), 'the next event starts where the audio timeline is');
});

t.test('leg.dtmf.send without telephone-event: in-band tones the DSP detector reads back', async (t) => {
  const h = harness(t, PORTS);
  const far = await peer(t);
  await h.engine.request('leg.create', { legId: 'tones', callId: 'c', advertiseAddress: '127.0.0.1' });
  await h.engine.request('leg.update', { legId: 'tones', params: pcmuParams(far.port) });
  await h.engine.request('leg.dtmf.send', { legId: 'tones', digits: '19*D', durationMs: 80 });
  h.clock.advance(4 * 180 + 100);
  await far.receivedCount(36);
  const pcm = receivedPcmu(far);
  const events = new DtmfDetector({ sampleRate: 8000 }).process(pcm).filter((e) => e.type === 'end');
  t.same(events.map((e) => e.digit), ['1', '9', '*', 'D']);
  t.ok(events.every((e) => Math.abs(e.durationMs - 80) <= 15), `durations ${events.map((e) => e.durationMs).join(',')}`);
  // Once the digits are out the stage is removed: the idle leg stops sending.
  const sent = far.received.length;
  h.clock.advance(1000);
  await new Promise((resolve) => setImmediate(resolve));
  t.equal(far.received.length, sent, 'nothing more after the last digit');
});

t.test('leg.dtmf.send validates its arguments', async (t) => {
  const h = harness(t, PORTS);
  const far = await peer(t);
  await h.engine.request('leg.create', { legId: 'v', callId: 'c', advertiseAddress: '127.0.0.1' });
  await t.rejects(h.engine.request('leg.dtmf.send', { legId: 'v', digits: '1' }), { code: 'ERR_INVALID_ARGS', message: /no media parameters/ });
  await h.engine.request('leg.update', { legId: 'v', params: pcmuParams(far.port) });
  await t.rejects(h.engine.request('leg.dtmf.send', { legId: 'v', digits: '12x' }), { code: 'ERR_INVALID_ARGS', message: /0-9 \* # A-D/ });
  await t.rejects(h.engine.request('leg.dtmf.send', { legId: 'v', digits: '' }), { code: 'ERR_INVALID_ARGS' });
  await t.rejects(h.engine.request('leg.dtmf.send', { legId: 'v', digits: '1', durationMs: 10 }), { code: 'ERR_INVALID_ARGS', message: /durationMs/ });
  await t.rejects(h.engine.request('leg.dtmf.send', { legId: 'nope', digits: '1' }), { code: 'ERR_NO_SUCH_LEG' });
  await t.rejects(h.engine.request('leg.dtmf.report', { legId: 'v', digit: '12', durationMs: 100, source: 'info' }), { code: 'ERR_INVALID_ARGS' });
  await h.engine.request('leg.update', { legId: 'v', params: pcmuParams(far.port, { direction: 'recvonly' }) });
  await t.rejects(h.engine.request('leg.dtmf.send', { legId: 'v', digits: '1' }), { code: 'ERR_INVALID_ARGS', message: /does not send/ });
});

t.test('INFO reports become leg.dtmf; repeated presses through INFO stay separate', async (t) => {
  const h = harness(t, PORTS);
  const far = await peer(t);
  await h.engine.request('leg.create', { legId: 'info', callId: 'c', advertiseAddress: '127.0.0.1' });
  await h.engine.request('leg.update', { legId: 'info', params: pcmuParams(far.port, { telephoneEvent: TE }) });
  await h.engine.request('leg.dtmf.report', { legId: 'info', digit: '7', durationMs: 160, source: 'info' });
  h.clock.advance(300);
  await h.engine.request('leg.dtmf.report', { legId: 'info', digit: '7', durationMs: 160, source: 'info' });
  await new Promise((resolve) => setImmediate(resolve));
  t.same(
    h.events.filter((e) => e.type === 'leg.dtmf'),
    [
      { type: 'leg.dtmf', legId: 'info', digit: '7', durationMs: 160, source: 'info' },
      { type: 'leg.dtmf', legId: 'info', digit: '7', durationMs: 160, source: 'info' },
    ],
  );
});

t.test('RFC 4733 and INFO for the same press give one leg.dtmf', { skip: hasLegDtmfHook ? false : 'needs Leg.setDtmfReporter (see the dtmf report to the lead)' }, async (t) => {
  const h = harness(t, PORTS);
  const far = await peer(t);
  const local = await h.engine.request('leg.create', { legId: 'both', callId: 'c', advertiseAddress: '127.0.0.1' });
  await h.engine.request('leg.update', { legId: 'both', params: pcmuParams(far.port, { telephoneEvent: TE }) });
  await h.engine.request('leg.dtmf.report', { legId: 'both', digit: '4', durationMs: 100, source: 'info' });
  [160, 320, 480, 640, 800, 800, 800].forEach((duration, i) =>
    far.send(rtpDatagram({ pt: 101, seq: i, ts: 1600, ssrc: 5, marker: i === 0 }, dtmfPayload(4, i >= 4, duration)), local.rtpPort),
  );
  await h.until('both', (s) => s.rx.packets === 7);
  h.clock.advance(100);
  await new Promise((resolve) => setImmediate(resolve));
  t.same(h.events.filter((e) => e.type === 'leg.dtmf'), [{ type: 'leg.dtmf', legId: 'both', digit: '4', durationMs: 100, source: 'info' }]);
});

t.test('in-band digits from the far end are detected once, and not again through INFO', { skip: hasLegUpdateHook ? false : 'needs EngineContext.onLegUpdated (see the dtmf report to the lead)' }, async (t) => {
  const h = harness(t, PORTS);
  const far = await peer(t);
  const local = await h.engine.request('leg.create', { legId: 'ib', callId: 'c', advertiseAddress: '127.0.0.1' });
  await h.engine.request('leg.update', { legId: 'ib', params: pcmuParams(far.port) });
  // Detection rides on the ticks of whatever uses the leg's audio (here the echo app).
  await h.engine.request('leg.attach', { legId: 'ib', app: { kind: 'echo' } });
  const tones = renderDtmf('305#', { sampleRate: 8000, toneMs: 100, pauseMs: 100 });
  await sendPcmu(h, far, 'ib', local.rtpPort, tones, 150);
  await new Promise((resolve) => setImmediate(resolve));
  const inband = h.events.filter((e) => e.type === 'leg.dtmf');
  t.same(inband.map((e) => e.type === 'leg.dtmf' && `${e.digit}/${e.source}`), ['3/inband', '0/inband', '5/inband', '#/inband']);
  // The SIP layer's INFO for the last key arrives late: a duplicate.
  await h.engine.request('leg.dtmf.report', { legId: 'ib', digit: '#', durationMs: 100, source: 'info' });
  await new Promise((resolve) => setImmediate(resolve));
  t.equal(h.events.filter((e) => e.type === 'leg.dtmf').length, 4);
});
