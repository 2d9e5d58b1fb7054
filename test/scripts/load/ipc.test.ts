import t from 'tap';
import { IpcPeer } from '../../../scripts/load/ipc.js';
import type { FixtureProtocol } from './ipc-child-fixture.js';

t.test('requests round-trip to a forked child; errors keep their message; the child exits on close', async (t) => {
  // The child is TypeScript: it runs with the loader tap gave this process.
  const peer = await IpcPeer.fork<FixtureProtocol, { pid: number }>(new URL('./ipc-child-fixture.ts', import.meta.url), ['--serve-ipc-fixture'], process.execArgv);
  t.teardown(() => peer.exit(1000));
  t.equal(peer.ready.pid, peer.child.pid, 'the ready message carries what the child announced');
  const replies = await Promise.all([1, 2, 3].map((value) => peer.request('double', { value })));
  t.same(replies.map((r) => r.value), [2, 4, 6], 'concurrent requests get their own replies');
  await t.rejects(peer.request('fail', {}), { message: 'asked to fail' });
  t.same(await peer.request('close', {}), { closed: true });
  await peer.exit(5000);
  t.equal(peer.child.exitCode, 0);
});

t.test('a child that exits before it is ready rejects fork', async (t) => {
  // A module that does not exist: node exits with 1 before any ready message.
  await t.rejects(IpcPeer.fork(new URL('./no-such-child.js', import.meta.url), [], ['--no-warnings']), /exited with 1 before it was ready/);
});
