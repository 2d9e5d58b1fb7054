/** A media worker dies mid-call: its legs fail, a replacement starts, other workers' calls keep flowing. */
import t from 'tap';
import { pcmuParams, RtpPeer, startWorkers, type Teardown, type WorkerHarness } from './helpers.js';

async function echoLeg(t: Teardown, h: WorkerHarness, legId: string, group: string): Promise<{ peer: RtpPeer; worker: number }> {
  const peer = await RtpPeer.open(t);
  const local = await h.engine.request('leg.create', { legId, callId: legId, advertiseAddress: '127.0.0.1', group });
  await h.engine.request('leg.update', { legId, params: pcmuParams(peer.port) });
  await h.engine.request('leg.attach', { legId, app: { kind: 'echo' } });
  peer.start(local.rtpPort);
  await peer.receiveMore(5);
  return { peer, worker: h.engine.workerOfLeg(legId) ?? -1 };
}

// Three worker starts under the TS loader (two, then a replacement): slow on a loaded 2-core machine.
t.setTimeout(300_000);
const h = await startWorkers(t, '45200-45299', 2, true);

// One crash per file: under the test runner's TS loader a replacement worker takes seconds to compile its modules.
// (`crashWorkerForTest(i, 'terminate')` goes through the same exit path.)
for (const how of ['throw'] as const) {
  t.test('worker killed by an uncaught exception', async (t) => {
    await h.engine.ready();
    const a = await echoLeg(t, h, `a-${how}`, `ga-${how}`);
    // A different group lands on the other (least-loaded) worker.
    const b = await echoLeg(t, h, `b-${how}`, `gb-${how}`);
    t.not(a.worker, b.worker, 'the two calls run on different workers');
    const before = h.events.length;
    h.engine.crashWorkerForTest(a.worker, how);
    const failed = await h.event('leg.failed', (e) => e.legId === `a-${how}`);
    // The dead call's far end hangs up; left sending, it would be the first source the next leg
    // on the freed port latches onto.
    a.peer.close();
    t.match(failed.reason, /media worker \d+ crashed: .*crashed on request/);
    const workerFailed = await h.event('engine.worker-failed', (e) => h.events.indexOf(e) >= before);
    t.equal(workerFailed.workerIndex, a.worker);
    t.equal(workerFailed.legs, 1);
    t.equal(h.engine.workerOfLeg(`a-${how}`), undefined, 'the dead leg is forgotten');
    await t.rejects(h.engine.request('leg.stats', { legId: `a-${how}` }), { code: 'ERR_NO_SUCH_LEG' });
    // The other worker's call is unaffected: its echo keeps flowing after the crash.
    await b.peer.receiveMore(10);
    const bStats = await h.engine.request('leg.stats', { legId: `b-${how}` });
    t.ok(bStats.tx.packets > 10, 'the surviving call still echoes');
    // The replacement takes new calls on the same slot.
    await h.engine.ready();
    const c = await echoLeg(t, h, `c-${how}`, `ga-${how}`);
    t.equal(c.worker, a.worker, 'the replaced slot serves calls again');
    const stats = await h.engine.request('engine.stats', {});
    const slot = stats.workers.find((w) => w.index === a.worker);
    t.ok(slot !== undefined && slot.restarts >= 1, 'engine.stats counts the restart');
    t.equal(h.engine.liveWorkers(), 2);
    for (const legId of [`b-${how}`, `c-${how}`]) await h.engine.request('leg.close', { legId });
  });
}
