import t from 'tap';
import { createSocket, type Socket } from 'node:dgram';
import { MediaError } from '../../media/errors.js';
import { PortPool, type PortPair } from '../../media/port-pool.js';

// Each test file gets its own port range: test files run in parallel.
const LOW = 47120;

function bindRaw(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(port, '127.0.0.1', () => resolve(socket));
  });
}

function closeRaw(socket: Socket): Promise<void> {
  return new Promise((resolve) => socket.close(() => resolve()));
}

t.test('pairs are even RTP + odd RTCP, bound on the bind address, until exhausted', async (t) => {
  const pool = new PortPool({ ports: `${LOW + 1}-${LOW + 6}`, bindAddress: '127.0.0.1' });
  const pairs: PortPair[] = [];
  t.teardown(() => Promise.all(pairs.map((p) => pool.release(p))));
  t.equal(pool.capacity, 2, 'an odd low bound starts at the next even port; the range holds two pairs');
  pairs.push(await pool.allocate(), await pool.allocate());
  t.same(pairs.map((p) => [p.rtpPort, p.rtcpPort]), [[LOW + 2, LOW + 3], [LOW + 4, LOW + 5]]);
  t.same(pairs[0]?.rtp.address(), { address: '127.0.0.1', family: 'IPv4', port: LOW + 2 });
  t.equal(pairs[0]?.rtcp.address().port, LOW + 3);
  await t.rejects(pool.allocate(), { name: 'MediaError', code: 'ERR_NO_PORTS', message: /rtp\.ports/ });
  t.equal(pool.inUse, 2);
});

t.test('a port held by another process is skipped (EADDRINUSE)', async (t) => {
  const squatter = await bindRaw(LOW + 11); // the RTCP port of the first pair
  t.teardown(() => closeRaw(squatter));
  const pool = new PortPool({ ports: `${LOW + 10}-${LOW + 13}`, bindAddress: '127.0.0.1' });
  const pair = await pool.allocate();
  t.teardown(() => pool.release(pair));
  t.equal(pair.rtpPort, LOW + 12);
  // The half-bound first pair was let go: its RTP port is free again.
  const probe = await bindRaw(LOW + 10);
  await closeRaw(probe);
  await t.rejects(pool.allocate(), { code: 'ERR_NO_PORTS' });
});

t.test('a released pair cools down before reuse; release closes the sockets', async (t) => {
  let now = 0;
  const pool = new PortPool({ ports: `${LOW + 20}-${LOW + 21}`, bindAddress: '127.0.0.1', reuseDelayMs: 1000, now: () => now });
  const pair = await pool.allocate();
  await pool.release(pair);
  await pool.release(pair); // twice is harmless
  const probe = await bindRaw(LOW + 20);
  await closeRaw(probe);
  t.pass('the RTP port is free once released');
  now = 999;
  await t.rejects(pool.allocate(), { code: 'ERR_NO_PORTS' }, 'still cooling down');
  now = 1000;
  const again = await pool.allocate();
  t.equal(again.rtpPort, LOW + 20);
  await pool.release(again);
});

t.test('concurrent allocations never share a pair', async (t) => {
  const pool = new PortPool({ ports: `${LOW + 30}-${LOW + 39}`, bindAddress: '127.0.0.1' });
  const pairs = await Promise.all([pool.allocate(), pool.allocate(), pool.allocate()]);
  t.teardown(() => Promise.all(pairs.map((p) => pool.release(p))));
  t.equal(new Set(pairs.map((p) => p.rtpPort)).size, 3);
});

t.test('an address we cannot bind is ERR_BIND, not exhaustion', async (t) => {
  const pool = new PortPool({ ports: `${LOW + 40}-${LOW + 41}`, bindAddress: '192.0.2.1' });
  const error: unknown = await pool.allocate().then(
    () => null,
    (e: unknown) => e,
  );
  t.ok(error instanceof MediaError, 'a MediaError');
  t.match(error, { code: 'ERR_BIND', message: /192\.0\.2\.1|EADDRNOTAVAIL|bind/ });
  t.ok(error instanceof Error && error.cause !== undefined, 'carries the socket error as cause');
  t.equal(pool.inUse, 0);
});
