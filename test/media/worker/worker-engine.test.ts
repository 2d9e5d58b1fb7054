/**
 * WorkerEngine: commands, events and errors through real worker threads;
 * routing; shutdown. One engine for the whole file: a worker's start under the
 * test runner's TS loader compiles the media tree again (seconds per thread).
 */
import t from 'tap';
import { createSocket } from 'node:dgram';
import { MediaError, type EngineCommandName } from '../../../media/index.js';
import { pcmuParams, RtpPeer, startWorkers } from './helpers.js';

const h = await startWorkers(t, '45100-45199', 2);

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

t.test('echo through a worker: create, update, attach, stats, close', async (t) => {
  const peer = await RtpPeer.open(t);
  const local = await h.engine.request('leg.create', { legId: 'e1', callId: 'c1', advertiseAddress: '127.0.0.1' });
  t.equal(local.address, '127.0.0.1');
  t.ok(local.rtpPort >= 45100 && local.rtpPort <= 45199, 'a port from the range');
  await h.engine.request('leg.update', { legId: 'e1', params: pcmuParams(peer.port) });
  await h.engine.request('leg.attach', { legId: 'e1', app: { kind: 'echo' } });
  peer.start(local.rtpPort);
  await peer.receiveMore(10);
  t.pass('the echo came back through the worker');
  await h.event('leg.media-started', (e) => e.legId === 'e1');
  const stats = await h.engine.request('leg.stats', { legId: 'e1' });
  t.ok(stats.rx.packets > 0 && stats.tx.packets > 0, 'leg stats cross the port');
  const engine = await h.engine.request('engine.stats', {});
  t.equal(engine.legs, 1);
  t.equal(engine.workers.length, 2);
  const owner = engine.workers.find((w) => w.legs === 1);
  t.ok(owner !== undefined && owner.clock.ticks > 0, 'the owning worker ticks');
  t.ok(owner !== undefined && owner.threadId > 0 && owner.heapUsedBytes > 0);
  t.equal(owner?.index, h.engine.workerOfLeg('e1'));
  await h.engine.request('leg.close', { legId: 'e1' });
  const closed = await h.event('leg.closed', (e) => e.legId === 'e1');
  t.ok(closed.stats.rx.packets > 0, 'leg.closed carries final stats');
  t.equal(h.engine.workerOfLeg('e1'), undefined, 'forgotten after close');
  await h.engine.request('leg.close', { legId: 'e1' });
  t.pass('leg.close is idempotent');
});

t.test('routing: a group stays on one worker, other legs go to the least-loaded', async (t) => {
  const create = (legId: string, group?: string) =>
    h.engine.request('leg.create', { legId, callId: legId, advertiseAddress: '127.0.0.1', ...(group !== undefined ? { group } : {}) });
  await Promise.all([create('r1', 'room-a'), create('r2', 'room-a'), create('r3', 'room-a')]);
  const roomWorker = h.engine.workerOfLeg('r1');
  t.equal(h.engine.workerOfLeg('r2'), roomWorker);
  t.equal(h.engine.workerOfLeg('r3'), roomWorker);
  await create('solo1');
  await create('solo2');
  t.not(h.engine.workerOfLeg('solo1'), roomWorker, 'a new leg avoids the loaded worker');
  t.not(h.engine.workerOfLeg('solo2'), roomWorker);
  const stats = await h.engine.request('engine.stats', {});
  t.same(stats.workers.map((w) => w.legs).sort(), [2, 3]);
  // room.create follows the group's legs to their worker.
  await h.engine.request('room.create', { roomId: 'room-a', options: { sampleRate: 16000, maxTalkers: 3, talkerThresholdDb: -40, talkerHangoverMs: 300, dsp: { noiseSuppression: false, agc: false, echoCancellation: false }, joinLeaveTones: false } });
  for (const legId of ['r1', 'r2', 'r3']) await h.engine.request('leg.close', { legId });
  await h.engine.request('room.close', { roomId: 'room-a' });
  await create('r4', 'room-a');
  t.equal(h.engine.workerOfLeg('r4'), roomWorker, 'an emptied group no longer pins: r4 goes to the least-loaded worker');
  for (const legId of ['solo1', 'solo2', 'r4']) await h.engine.request('leg.close', { legId });
});

t.test('errors keep their class, code and message across the thread', async (t) => {
  await h.engine.request('leg.create', { legId: 'x', callId: 'c', advertiseAddress: '127.0.0.1' });
  await t.rejects(h.engine.request('leg.create', { legId: 'x', callId: 'c', advertiseAddress: '127.0.0.1' }), { code: 'ERR_LEG_EXISTS' });
  const unknown = await h.engine.request('leg.update', { legId: 'nope', params: pcmuParams(9) }).catch((e: unknown) => e);
  t.ok(unknown instanceof MediaError, 'a MediaError instance');
  t.match(unknown, { code: 'ERR_NO_SUCH_LEG', message: /nope/ });
  await t.rejects(h.engine.request('leg.update', { legId: 'x', params: { ...pcmuParams(9), ptime: 7 } }), { code: 'ERR_INVALID_ARGS', message: /ptime/ });
  await t.rejects(
    h.engine.request('leg.update', { legId: 'x', params: { ...pcmuParams(9), codec: { name: 'G729', payloadType: 18, clockRate: 8000, channels: 1, fmtp: {} } } }),
    { code: 'ERR_UNKNOWN_CODEC', message: /G729/ },
  );
  await t.rejects(h.engine.request('leg.create', { legId: '', callId: 'c', advertiseAddress: '127.0.0.1' }), { code: 'ERR_INVALID_ARGS' });
  await t.rejects(h.engine.request('leg.explode' as EngineCommandName, { legId: 'x' } as never), { code: 'ERR_UNKNOWN_COMMAND' });
  await t.rejects(h.engine.request('recording.stop', { recordingId: 'never-started' }), MediaError, 'unknown ids get the engine’s own answer');
});

t.test('engine.close ends every thread and frees every port', async (t) => {
  const a = await h.engine.request('leg.create', { legId: 'a', callId: 'c', advertiseAddress: '127.0.0.1' });
  const b = await h.engine.request('leg.create', { legId: 'b', callId: 'c', advertiseAddress: '127.0.0.1' });
  t.equal(await canBind(a.rtpPort), false, 'bound while the leg lives');
  t.equal(h.engine.liveWorkers(), 2);
  await h.engine.request('engine.close', {});
  t.equal(h.engine.liveWorkers(), 0, 'no threads left');
  for (const port of [a.rtpPort, a.rtcpPort, b.rtpPort, b.rtcpPort]) t.equal(await canBind(port), true, `port ${port} free`);
  t.ok(h.events.some((e) => e.type === 'leg.closed' && e.legId === 'a') && h.events.some((e) => e.type === 'leg.closed' && e.legId === 'b'), 'legs closed with events before the threads ended');
  await t.rejects(h.engine.request('leg.create', { legId: 'z', callId: 'c', advertiseAddress: '127.0.0.1' }), { code: 'ERR_ENGINE_CLOSED' });
  await h.engine.request('engine.close', {});
  t.pass('close is idempotent');
});
