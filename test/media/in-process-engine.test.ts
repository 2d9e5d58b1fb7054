/** The engine's command table, errors, events and teardown. */
import t from 'tap';
import { createSocket } from 'node:dgram';
import { MediaError, type EngineCommandName, type EngineEvent } from '../../media/index.js';
import { harness, pcmuParams } from './helpers/engine-harness.js';

// Each test file gets its own port range: test files run in parallel.
const PORTS = '47400-47439';

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => {
      socket.close();
      resolve(false);
    });
    socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
  });
}

t.test('leg.close releases the ports, emits leg.closed with final stats, and is idempotent', async (t) => {
  const h = harness(t, PORTS);
  const local = await h.engine.request('leg.create', { legId: 'a', callId: 'call', advertiseAddress: '127.0.0.1' });
  t.equal(await canBind(local.rtpPort), false, 'the RTP port is ours while the leg lives');
  await h.engine.request('leg.update', { legId: 'a', params: pcmuParams(9) });
  await h.engine.request('leg.close', { legId: 'a' });
  const closed = await h.event('leg.closed');
  t.equal(closed.legId, 'a');
  t.equal(closed.stats.legId, 'a');
  t.equal(closed.stats.rx.packets, 0);
  t.equal(await canBind(local.rtpPort), true, 'RTP port free again');
  t.equal(await canBind(local.rtcpPort), true, 'RTCP port free again');
  await h.engine.request('leg.close', { legId: 'a' });
  await Promise.resolve();
  t.equal(h.events.filter((e) => e.type === 'leg.closed').length, 1, 'closing twice emits once');
  await t.rejects(h.engine.request('leg.stats', { legId: 'a' }), { code: 'ERR_NO_SUCH_LEG' });
  t.equal(h.clock.pendingTimers(), 0, 'no timers left behind');
});

t.test('command errors carry stable codes', async (t) => {
  const h = harness(t, PORTS);
  await h.engine.request('leg.create', { legId: 'b', callId: 'call', advertiseAddress: '127.0.0.1' });
  await t.rejects(h.engine.request('leg.create', { legId: 'b', callId: 'call', advertiseAddress: '127.0.0.1' }), { code: 'ERR_LEG_EXISTS' });
  await t.rejects(h.engine.request('leg.update', { legId: 'nope', params: pcmuParams(9) }), { code: 'ERR_NO_SUCH_LEG' });
  await t.rejects(
    h.engine.request('leg.update', { legId: 'b', params: pcmuParams(9, { codec: { name: 'G729', payloadType: 18, clockRate: 8000, channels: 1, fmtp: {} } }) }),
    { code: 'ERR_UNKNOWN_CODEC', message: /G729/ },
  );
  await t.rejects(
    h.engine.request('leg.update', { legId: 'b', params: pcmuParams(9, { codec: { name: 'telephone-event', payloadType: 101, clockRate: 8000, channels: 1, fmtp: {} } }) }),
    { code: 'ERR_UNKNOWN_CODEC' },
    'an event codec is not an audio codec',
  );
  await t.rejects(h.engine.request('leg.update', { legId: 'b', params: pcmuParams(9, { ptime: 25 }) }), { code: 'ERR_INVALID_ARGS', message: /ptime/ });
  await t.rejects(
    h.engine.request('leg.update', { legId: 'b', params: pcmuParams(9, { telephoneEvent: { payloadType: 0, clockRate: 8000 } }) }),
    { code: 'ERR_INVALID_ARGS', message: /telephoneEvent/ },
  );
  await t.rejects(
    h.engine.request('leg.update', { legId: 'b', params: { ...pcmuParams(9), remote: { address: '127.0.0.1', rtpPort: 70000, rtcpPort: 1 } } }),
    { code: 'ERR_INVALID_ARGS' },
  );
  await t.rejects(h.engine.request('leg.attach', { legId: 'b', app: { kind: 'karaoke' } as unknown as { kind: 'none' } }), { code: 'ERR_INVALID_ARGS' });
  await t.rejects(h.engine.request('leg.create', { legId: '', callId: 'c', advertiseAddress: '127.0.0.1' }), { code: 'ERR_INVALID_ARGS' });
  await t.rejects(h.engine.request('leg.explode' as EngineCommandName, { legId: 'b' } as never), { code: 'ERR_UNKNOWN_COMMAND' });
  const error = await h.engine.request('leg.stats', { legId: 'zzz' }).catch((e: unknown) => e);
  t.ok(error instanceof MediaError && error.message.length > 0, 'a MediaError with a message');
});

t.test('a failed update leaves the leg as it was', async (t) => {
  const h = harness(t, PORTS);
  await h.engine.request('leg.create', { legId: 'c', callId: 'call', advertiseAddress: '127.0.0.1' });
  await h.engine.request('leg.update', { legId: 'c', params: pcmuParams(9) });
  await t.rejects(h.engine.request('leg.update', { legId: 'c', params: pcmuParams(9, { ptime: 7 }) }));
  // PCMA after PCMU: the codec chain is rebuilt; stats keep counting.
  await h.engine.request('leg.update', { legId: 'c', params: pcmuParams(9, { codec: { name: 'PCMA', payloadType: 8, clockRate: 8000, channels: 1, fmtp: {} }, ptime: 30 }) });
  t.equal((await h.stats('c')).legId, 'c');
});

t.test('the advertised address: external, else a specific bind address, else the signalling address', async (t) => {
  const wildcard = harness(t, PORTS, { bindAddress: '0.0.0.0' });
  const a = await wildcard.engine.request('leg.create', { legId: 'w', callId: 'c', advertiseAddress: '10.1.2.3' });
  t.equal(a.address, '10.1.2.3');
  const specific = harness(t, PORTS, { bindAddress: '127.0.0.1' });
  const b = await specific.engine.request('leg.create', { legId: 's', callId: 'c', advertiseAddress: '10.1.2.3' });
  t.equal(b.address, '127.0.0.1');
  const external = harness(t, PORTS, { bindAddress: '127.0.0.1', externalAddress: '203.0.113.7' });
  const c = await external.engine.request('leg.create', { legId: 'e', callId: 'c', advertiseAddress: '10.1.2.3' });
  t.equal(c.address, '203.0.113.7');
  t.not(a.rtpPort, b.rtpPort, 'three engines, three different pairs');
});

t.test('a throwing listener is logged and does not stop the others', async (t) => {
  const h = harness(t, PORTS);
  const seen: EngineEvent[] = [];
  h.engine.onEvent(() => {
    throw new Error('listener bug');
  });
  const unsubscribe = h.engine.onEvent((event) => seen.push(event));
  await h.engine.request('leg.create', { legId: 'd', callId: 'call', advertiseAddress: '127.0.0.1' });
  await h.engine.request('leg.close', { legId: 'd' });
  await h.event('leg.closed');
  t.equal(seen.length, 1, 'the second listener still got the event');
  t.match(h.logLines.join(''), /media event listener threw/);
  t.match(h.logLines.join(''), /listener bug/);
  unsubscribe();
  await h.engine.request('leg.create', { legId: 'd2', callId: 'call', advertiseAddress: '127.0.0.1' });
  await h.engine.request('leg.close', { legId: 'd2' });
  await Promise.resolve();
  t.equal(seen.length, 1, 'unsubscribed');
});

t.test('engine.close closes every leg, stops the clock, and refuses new work', async (t) => {
  const h = harness(t, PORTS);
  const one = await h.engine.request('leg.create', { legId: 'x', callId: 'call', advertiseAddress: '127.0.0.1' });
  await h.engine.request('leg.create', { legId: 'y', callId: 'call', advertiseAddress: '127.0.0.1' });
  await h.engine.request('leg.update', { legId: 'x', params: pcmuParams(9) });
  await h.engine.request('leg.attach', { legId: 'x', app: { kind: 'echo' } });
  t.ok(h.clock.pendingTimers() > 0);
  await h.engine.request('engine.close', {});
  await Promise.resolve();
  t.same(h.events.filter((e) => e.type === 'leg.closed').map((e) => e.legId).sort(), ['x', 'y']);
  t.equal(h.clock.pendingTimers(), 0, 'no tick, RTCP or timeout timer left');
  t.equal(await canBind(one.rtpPort), true);
  await t.rejects(h.engine.request('leg.create', { legId: 'z', callId: 'call', advertiseAddress: '127.0.0.1' }), { code: 'ERR_ENGINE_CLOSED' });
  await h.engine.request('engine.close', {});
  t.pass('closing twice is fine');
});
