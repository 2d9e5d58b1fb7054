/**
 * The echo application end to end over loopback UDP: a peer socket sends a
 * PCMU tone to a leg with the echo attached, and checks what comes back.
 */
import t from 'tap';
import { harness, parseRtp, pcmuParams, pcmuTone, peer, rtpOnly } from './helpers/engine-harness.js';
import { rtpDatagram } from '../fixtures/rtp/packets.js';

// Each test file gets its own port range: test files run in parallel.
const PORTS = '47300-47339';
const SSRC = 0x0badf00d;

t.test('PCMU 20 ms echo comes back byte-identical after the jitter delay', async (t) => {
  const h = harness(t, PORTS);
  const far = await peer(t);
  const local = await h.engine.request('leg.create', { legId: 'echo-1', callId: 'call-1', advertiseAddress: '127.0.0.1' });
  await h.engine.request('leg.update', { legId: 'echo-1', params: pcmuParams(far.port) });
  await h.engine.request('leg.attach', { legId: 'echo-1', app: { kind: 'echo' } });

  const tone = pcmuTone(50);
  const send = (k: number): void => far.send(rtpDatagram({ pt: 0, seq: 40000 + k, ts: 1000 + k * 160, ssrc: SSRC, marker: k === 0 }, tone[k] ?? new Uint8Array(0)), local.rtpPort);
  // One packet per 20 ms tick, as a phone sends them: no jitter, so the adaptive buffer has nothing to stretch.
  for (let k = 0; k < 50; k++) {
    send(k);
    await h.until('echo-1', (s) => s.rx.packets === k + 1);
    h.clock.advance(20);
  }
  // 60 ms of playout delay = 3 ticks, then one packet per tick.
  h.clock.advance(3 * 20);
  await far.receivedCount(50);

  const echoed = rtpOnly(far.received);
  t.equal(echoed.length, 50, 'one echoed packet per packet sent, nothing more yet');
  const mismatched = echoed.findIndex((p, k) => Buffer.compare(Buffer.from(p.payload), Buffer.from(tone[k] ?? [])) !== 0);
  // Once the adaptive buffer has seen half a second without jitter it shrinks its 60 ms start
  // delay by time-compression, which changes the last frames' bytes (never their order).
  t.ok(mismatched === -1 || mismatched >= 40, `payloads byte-identical, in order, until the buffer adapts (first change at ${mismatched})`);
  t.ok(echoed.every((p) => p.pt === 0), 'PCMU');
  const first = echoed[0];
  t.ok(echoed.every((p) => p.ssrc === first?.ssrc), 'one SSRC');
  t.ok(echoed.every((p, k) => p.seq === (((first?.seq ?? 0) + k) & 0xffff)), 'sequence numbers count up by one');
  t.ok(echoed.every((p, k) => p.ts === (((first?.ts ?? 0) + k * 160) >>> 0)), 'timestamps count up by 160');
  t.same(echoed.map((p) => p.marker).indexOf(true, 1), -1, 'marker only on the first');
  t.equal(first?.marker, true);
  t.not(first?.ssrc, SSRC, 'our own SSRC, not the caller\'s');

  const stats = await h.stats('echo-1');
  t.equal(stats.rx.packets, 50);
  t.equal(stats.tx.packets, 50);
  t.equal(stats.tx.bytes, 50 * 172);
  t.ok(stats.concealedMs <= 60, `at most the stream's tail concealed (${stats.concealedMs} ms)`);
  t.equal(stats.rx.lost, 0);
  t.equal(stats.latchedSource, `127.0.0.1:${far.port}`);
  t.ok(stats.jitterBufferMs >= 20 && stats.jitterBufferMs <= 60, `target between the minimum and the start delay (${stats.jitterBufferMs} ms)`);
  const started = await h.event('leg.media-started');
  t.same(started, { type: 'leg.media-started', legId: 'echo-1', source: `127.0.0.1:${far.port}` });
  // The echo arrived from our advertised RTP port (symmetric RTP for the caller).
  t.equal(far.received[0]?.from.port, local.rtpPort);
});

t.test('the echo works across ptime: 20 ms in, 30 ms out, same audio', async (t) => {
  const h = harness(t, PORTS);
  const far = await peer(t);
  const local = await h.engine.request('leg.create', { legId: 'echo-2', callId: 'call-2', advertiseAddress: '127.0.0.1' });
  await h.engine.request('leg.update', { legId: 'echo-2', params: pcmuParams(far.port, { ptime: 30 }) });
  await h.engine.request('leg.attach', { legId: 'echo-2', app: { kind: 'echo' } });
  const tone = pcmuTone(30);
  tone.forEach((payload, k) => far.send(rtpDatagram({ pt: 0, seq: k, ts: k * 160, ssrc: SSRC }, payload), local.rtpPort));
  await h.until('echo-2', (s) => s.rx.packets === 30);
  h.clock.advance(33 * 20);
  await far.receivedCount(20);
  const echoed = rtpOnly(far.received);
  t.equal(echoed.length, 20, '600 ms of audio in 30 ms packets');
  t.ok(echoed.every((p) => p.payload.length === 240));
  t.ok(echoed.every((p, k) => k === 0 || p.ts === (((echoed[k - 1]?.ts ?? 0) + 240) >>> 0)), 'ts advances by 240');
  const sent = Buffer.concat(tone);
  const back = Buffer.concat(echoed.map((p) => p.payload));
  t.equal(Buffer.compare(sent, back), 0, 'the same bytes, re-packetized');
});

t.test('a lost packet is concealed in the echo; loss and concealment are counted', async (t) => {
  const h = harness(t, PORTS);
  const far = await peer(t);
  const local = await h.engine.request('leg.create', { legId: 'echo-3', callId: 'call-3', advertiseAddress: '127.0.0.1' });
  await h.engine.request('leg.update', { legId: 'echo-3', params: pcmuParams(far.port) });
  await h.engine.request('leg.attach', { legId: 'echo-3', app: { kind: 'echo' } });
  const tone = pcmuTone(10);
  tone.forEach((payload, k) => {
    if (k !== 4) far.send(rtpDatagram({ pt: 0, seq: k, ts: k * 160, ssrc: SSRC }, payload), local.rtpPort);
  });
  await h.until('echo-3', (s) => s.rx.packets === 9);
  h.clock.advance(13 * 20);
  await far.receivedCount(10);
  const echoed = rtpOnly(far.received);
  t.equal(echoed.length, 10, 'the gap is filled, not skipped');
  t.same(Buffer.from(echoed[3]?.payload ?? []), Buffer.from(tone[3] ?? []));
  t.notSame(Buffer.from(echoed[4]?.payload ?? []), Buffer.from(tone[4] ?? []), 'the concealed frame is not the lost one');
  // The concealment of a steady tone continues it, so the returning frame needs no
  // cross-fade (the concealer skips the merge at a continuous junction): it plays unchanged.
  t.same(Buffer.from(echoed[5]?.payload ?? []), Buffer.from(tone[5] ?? []));
  const stats = await h.stats('echo-3');
  t.equal(stats.concealedMs, 20);
  t.equal(stats.rx.lost, 1);
  // parseRtp is the harness' parser; make sure it reads what we built.
  t.equal(parseRtp(rtpDatagram({ pt: 0, seq: 7, ts: 9, ssrc: 1 }, new Uint8Array(1))).seq, 7);
});

t.test('held (recvonly) and app-less legs do not tick or send', async (t) => {
  const h = harness(t, PORTS);
  const far = await peer(t);
  const local = await h.engine.request('leg.create', { legId: 'echo-4', callId: 'call-4', advertiseAddress: '127.0.0.1' });
  await h.engine.request('leg.update', { legId: 'echo-4', params: pcmuParams(far.port, { direction: 'recvonly' }) });
  await h.engine.request('leg.attach', { legId: 'echo-4', app: { kind: 'echo' } });
  t.equal(h.clock.pendingTimers(), 2, 'the RTCP and RTP-timeout timers, no tick');
  pcmuTone(5).forEach((payload, k) => far.send(rtpDatagram({ pt: 0, seq: k, ts: k * 160, ssrc: SSRC }, payload), local.rtpPort));
  await h.until('echo-4', (s) => s.rx.packets === 5);
  h.clock.advance(200);
  const stats = await h.stats('echo-4');
  t.equal(stats.tx.packets, 0, 'recvonly: nothing sent');
  t.equal(stats.latchedSource, `127.0.0.1:${far.port}`, 'but received media still latches and counts');
  t.equal(h.clock.counters().ticks, 0, 'the clock never ticked');
  // Taking the leg off hold starts the echo.
  await h.engine.request('leg.update', { legId: 'echo-4', params: pcmuParams(far.port) });
  pcmuTone(3).forEach((payload, k) => far.send(rtpDatagram({ pt: 0, seq: 5 + k, ts: (5 + k) * 160, ssrc: SSRC }, payload), local.rtpPort));
  await h.until('echo-4', (s) => s.rx.packets === 8);
  h.clock.advance(6 * 20);
  await far.receivedCount(3);
  t.equal(rtpOnly(far.received).length, 3);
});
