/** A leg's receive-side behaviour over loopback UDP: latching, RTP timeout, DTMF, RTCP. */
import t from 'tap';
import { CompoundPacket, ReceiverReportPacket, SenderReportPacket } from 'rtp.js/packets';
import { dtmfPayload, RTCP_RR_EMPTY, rtpDatagram } from '../fixtures/rtp/packets.js';
import { harness, pcmuParams, pcmuTone, peer } from './helpers/engine-harness.js';

// Each test file gets its own port range: test files run in parallel.
const PORTS = '47340-47379';

t.test('symmetric RTP: latches the first source, rejects and counts others', async (t) => {
  const h = harness(t, PORTS);
  const caller = await peer(t);
  const intruder = await peer(t);
  const local = await h.engine.request('leg.create', { legId: 'latch', callId: 'c', advertiseAddress: '127.0.0.1' });
  await h.engine.request('leg.update', { legId: 'latch', params: pcmuParams(caller.port) });
  const [payload = new Uint8Array(160)] = pcmuTone(1);
  caller.send(rtpDatagram({ pt: 0, seq: 1, ts: 0, ssrc: 1 }, payload), local.rtpPort);
  await h.until('latch', (s) => s.rx.packets === 1);
  intruder.send(rtpDatagram({ pt: 0, seq: 1, ts: 0, ssrc: 2 }, payload), local.rtpPort);
  intruder.send(rtpDatagram({ pt: 0, seq: 2, ts: 160, ssrc: 2 }, payload), local.rtpPort);
  const stats = await h.until('latch', (s) => s.rx.rejectedSource === 2);
  t.equal(stats.rx.packets, 1, 'the intruder\'s packets were not taken');
  t.equal(stats.latchedSource, `127.0.0.1:${caller.port}`);
  const started = await h.event('leg.media-started');
  t.equal(started.source, `127.0.0.1:${caller.port}`);

  // After a re-INVITE the latch is learned again, from whoever sends first.
  await h.engine.request('leg.update', { legId: 'latch', params: pcmuParams(caller.port) });
  intruder.send(rtpDatagram({ pt: 0, seq: 3, ts: 320, ssrc: 2 }, payload), local.rtpPort);
  const relatched = await h.until('latch', (s) => s.rx.packets === 2);
  t.equal(relatched.latchedSource, `127.0.0.1:${intruder.port}`);
  t.equal(h.events.filter((e) => e.type === 'leg.media-started').length, 1, 'media-started is reported once per leg');
});

t.test('RTP timeout fires once after the configured silence, and re-arms on traffic', async (t) => {
  const h = harness(t, PORTS, { timeoutSeconds: 2 });
  const caller = await peer(t);
  const local = await h.engine.request('leg.create', { legId: 'quiet', callId: 'c', advertiseAddress: '127.0.0.1' });
  await h.engine.request('leg.update', { legId: 'quiet', params: pcmuParams(caller.port) });
  h.clock.advance(1999);
  await Promise.resolve();
  t.equal(h.events.length, 0, 'not yet');
  h.clock.advance(1);
  const timeout = await h.event('leg.rtp-timeout');
  t.same(timeout, { type: 'leg.rtp-timeout', legId: 'quiet', silentMs: 2000 });
  h.clock.advance(10_000);
  await Promise.resolve();
  t.equal(h.events.filter((e) => e.type === 'leg.rtp-timeout').length, 1, 'once, not every period');

  // RTCP counts as traffic too: after it, the watch runs again.
  caller.send(RTCP_RR_EMPTY, local.rtcpPort);
  caller.send(rtpDatagram({ pt: 0, seq: 1, ts: 0, ssrc: 1 }, new Uint8Array(160)), local.rtpPort);
  await h.until('quiet', (s) => s.rx.packets === 1);
  h.clock.advance(2000);
  await Promise.resolve();
  t.equal(h.events.filter((e) => e.type === 'leg.rtp-timeout').length, 2, 'fires again after traffic stopped again');
});

t.test('no RTP timeout on legs that do not expect media (sendonly, inactive) or when disabled', async (t) => {
  const h = harness(t, PORTS, { timeoutSeconds: 1 });
  const caller = await peer(t);
  await h.engine.request('leg.create', { legId: 'held', callId: 'c', advertiseAddress: '127.0.0.1' });
  await h.engine.request('leg.update', { legId: 'held', params: pcmuParams(caller.port, { direction: 'sendonly' }) });
  await h.engine.request('leg.create', { legId: 'idle', callId: 'c', advertiseAddress: '127.0.0.1' });
  await h.engine.request('leg.update', { legId: 'idle', params: pcmuParams(caller.port, { direction: 'inactive' }) });
  h.clock.advance(5000);
  await Promise.resolve();
  t.same(h.events, []);
  // Back to sendrecv: the watch starts from the update.
  await h.engine.request('leg.update', { legId: 'held', params: pcmuParams(caller.port) });
  h.clock.advance(1000);
  const timeout = await h.event('leg.rtp-timeout');
  t.equal(timeout.legId, 'held');

  const off = harness(t, PORTS, { timeoutSeconds: 0 });
  await off.engine.request('leg.create', { legId: 'never', callId: 'c', advertiseAddress: '127.0.0.1' });
  await off.engine.request('leg.update', { legId: 'never', params: pcmuParams(caller.port) });
  off.clock.advance(3_600_000);
  await Promise.resolve();
  t.same(off.events, [], 'timeoutSeconds 0 disables it');
});

t.test('RFC 4733 telephone-event packets give one leg.dtmf and never reach the audio path', async (t) => {
  const h = harness(t, PORTS);
  const caller = await peer(t);
  const local = await h.engine.request('leg.create', { legId: 'keys', callId: 'c', advertiseAddress: '127.0.0.1' });
  await h.engine.request('leg.update', {
    legId: 'keys',
    params: pcmuParams(caller.port, { telephoneEvent: { payloadType: 101, clockRate: 8000 } }),
  });
  await h.engine.request('leg.attach', { legId: 'keys', app: { kind: 'echo' } });
  // Key "5": updates every 20 ms, then the end packet three times (RFC 4733 §2.5.1.4).
  const eventTs = 48000;
  const packets = [
    dtmfPayload(5, false, 160),
    dtmfPayload(5, false, 320),
    dtmfPayload(5, false, 480),
    dtmfPayload(5, false, 640),
    dtmfPayload(5, true, 800),
    dtmfPayload(5, true, 800),
    dtmfPayload(5, true, 800),
  ];
  packets.forEach((payload, i) => caller.send(rtpDatagram({ pt: 101, seq: 200 + i, ts: eventTs, ssrc: 9, marker: i === 0 }, payload), local.rtpPort));
  const dtmf = await h.event('leg.dtmf');
  t.same(dtmf, { type: 'leg.dtmf', legId: 'keys', digit: '5', durationMs: 100, source: 'rfc4733' });
  await h.until('keys', (s) => s.rx.packets === 7);
  h.clock.advance(200);
  await Promise.resolve();
  t.equal(h.events.filter((e) => e.type === 'leg.dtmf').length, 1, 'one report for the three end packets');
  const stats = await h.stats('keys');
  t.equal(stats.tx.packets, 0, 'nothing was played out: the events did not enter the jitter buffer');
  t.equal(stats.concealedMs, 0);
});

t.test('a key press whose end packets were all lost is reported when the leg closes', async (t) => {
  const h = harness(t, PORTS);
  const caller = await peer(t);
  const local = await h.engine.request('leg.create', { legId: 'cut', callId: 'c', advertiseAddress: '127.0.0.1' });
  await h.engine.request('leg.update', {
    legId: 'cut',
    params: pcmuParams(caller.port, { telephoneEvent: { payloadType: 101, clockRate: 8000 } }),
  });
  [160, 320, 480].forEach((duration, i) =>
    caller.send(rtpDatagram({ pt: 101, seq: i, ts: 800, ssrc: 9, marker: i === 0 }, dtmfPayload(11, false, duration)), local.rtpPort),
  );
  await h.until('cut', (s) => s.rx.packets === 3);
  await Promise.resolve();
  t.equal(h.events.filter((e) => e.type === 'leg.dtmf').length, 0, 'no end packet yet');
  await h.engine.request('leg.close', { legId: 'cut' });
  await h.event('leg.closed');
  t.same(
    h.events.map((e) => e.type),
    ['leg.media-started', 'leg.dtmf', 'leg.closed'],
  );
  t.same(h.events[1], { type: 'leg.dtmf', legId: 'cut', digit: '#', durationMs: 60, source: 'rfc4733' });
});

t.test('RTCP: reports go out on the randomised interval, SR once we send', async (t) => {
  const h = harness(t, PORTS);
  const caller = await peer(t);
  const callerRtcp = await peer(t);
  const local = await h.engine.request('leg.create', { legId: 'rtcp', callId: 'c', advertiseAddress: '127.0.0.1' });
  const params = pcmuParams(caller.port);
  await h.engine.request('leg.update', {
    legId: 'rtcp',
    params: { ...params, remote: { address: '127.0.0.1', rtpPort: caller.port, rtcpPort: callerRtcp.port } },
  });
  h.clock.advance(7500); // the first interval is at most 1.5 × 5 s
  await callerRtcp.receivedCount(1);
  const first = callerRtcp.received[0];
  t.equal(first?.from.port, local.rtcpPort, 'from our RTCP port');
  const rr = new CompoundPacket(new DataView(new Uint8Array(first?.data ?? []).buffer)).getPackets()[0];
  t.ok(rr instanceof ReceiverReportPacket, 'nothing sent yet: RR');

  await h.engine.request('leg.attach', { legId: 'rtcp', app: { kind: 'echo' } });
  const tone = pcmuTone(5);
  tone.forEach((payload, k) => caller.send(rtpDatagram({ pt: 0, seq: k, ts: k * 160, ssrc: 3 }, payload), local.rtpPort));
  await h.until('rtcp', (s) => s.rx.packets === 5);
  h.clock.advance(400); // the echo and its concealment tail go out
  await callerRtcp.drain(caller);
  const reportsSoFar = callerRtcp.received.length;
  h.clock.advance(7500); // at least one more report, after all that
  await callerRtcp.receivedCount(reportsSoFar + 1);
  // Reports fire at random times, some maybe while the echo was still going: the SR sent
  // after the last packet is the one with the highest count (later ones are RRs again).
  const srs = callerRtcp.received
    .slice(1)
    .map((r) => new CompoundPacket(new DataView(new Uint8Array(r.data).buffer)).getPackets()[0])
    .filter((p): p is SenderReportPacket => p instanceof SenderReportPacket);
  const sr = srs.reduce<SenderReportPacket | undefined>((best, p) => (best === undefined || p.getPacketCount() > best.getPacketCount() ? p : best), undefined);
  t.ok(sr instanceof SenderReportPacket, 'after sending: SR');
  if (sr instanceof SenderReportPacket) {
    t.equal(sr.getPacketCount(), 5 + 5, 'five echoed packets plus 100 ms of concealment, then the stream counts as paused');
    t.equal(sr.getReports()[0]?.getSsrc(), 3, 'with a report block about the caller');
    t.equal(sr.getReports()[0]?.getHighestSeqNumber(), 4);
  }
});

t.test('SRTP: the leg unprotects with the far end\'s key, counts failures, and rebuilds on new keys', async (t) => {
  const { createSrtpSession } = await import('../../media/srtp/index.js');
  const key = (seed: number): string => Buffer.from(Array.from({ length: 30 }, (_, i) => (seed * 37 + i * 11) & 0xff)).toString('base64');
  const suite = 'AES_CM_128_HMAC_SHA1_80' as const;
  const h = harness(t, PORTS);
  const caller = await peer(t);
  const local = await h.engine.request('leg.create', { legId: 'srtp', callId: 'c', advertiseAddress: '127.0.0.1' });
  await h.engine.request('leg.update', { legId: 'srtp', params: pcmuParams(caller.port, { srtp: { suite, localKey: key(1), remoteKey: key(2) } }) });
  const [payload = new Uint8Array(160)] = pcmuTone(1);
  const theirs = createSrtpSession({ suite, localKey: key(2), remoteKey: key(1) });
  caller.send(rtpDatagram({ pt: 0, seq: 1, ts: 0, ssrc: 5 }, payload), local.rtpPort);
  caller.send(theirs.protectRtp(rtpDatagram({ pt: 0, seq: 2, ts: 160, ssrc: 5 }, payload)), local.rtpPort);
  let stats = await h.until('srtp', (s) => s.rx.packets === 1);
  t.equal(stats.rx.srtpRejected, 1, 'the plain RTP packet failed authentication');

  // Re-INVITE with a new far-end key: the old key no longer authenticates.
  await h.engine.request('leg.update', { legId: 'srtp', params: pcmuParams(caller.port, { srtp: { suite, localKey: key(1), remoteKey: key(3) } }) });
  const rekeyed = createSrtpSession({ suite, localKey: key(3), remoteKey: key(1) });
  caller.send(theirs.protectRtp(rtpDatagram({ pt: 0, seq: 3, ts: 320, ssrc: 5 }, payload)), local.rtpPort);
  caller.send(rekeyed.protectRtp(rtpDatagram({ pt: 0, seq: 4, ts: 480, ssrc: 5 }, payload)), local.rtpPort);
  stats = await h.until('srtp', (s) => s.rx.packets === 2);
  t.equal(stats.rx.srtpRejected, 2);

  await t.rejects(
    h.engine.request('leg.update', { legId: 'srtp', params: pcmuParams(caller.port, { srtp: { suite, localKey: 'short', remoteKey: key(3) } }) }),
    { code: 'ERR_INVALID_ARGS' },
  );
});
