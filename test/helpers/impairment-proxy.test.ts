/**
 * The impairment proxy does what its profile says, repeatably: loss at the
 * seeded rate and in bursts, reordering, duplicates, a delay floor, both
 * directions, and a clean close with packets still in flight.
 */
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import t, { type Test } from 'tap';
import { ImpairmentProxy, type Direction, type ImpairmentProfile } from './impairment-proxy.js';

interface Peer {
  readonly socket: Socket;
  readonly port: number;
  readonly got: { id: number; at: number; from: number }[];
}

async function peer(t: Test): Promise<Peer> {
  const socket = createSocket('udp4');
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  t.teardown(() => socket.close());
  const got: Peer['got'] = [];
  socket.on('message', (data, rinfo) => got.push({ id: data.readUInt32BE(0), at: performance.now(), from: rinfo.port }));
  return { socket, port: socket.address().port, got };
}

function datagram(id: number): Buffer {
  const b = Buffer.alloc(20);
  b.writeUInt32BE(id, 0);
  return b;
}

/** Sends `count` numbered datagrams through the proxy in `direction`, `spacingMs` apart; resolves once every survivor arrived at `to`. */
async function exchange(proxy: ImpairmentProxy, direction: Direction, from: Peer, to: Peer, count: number, spacingMs = 0): Promise<void> {
  const port = direction === 'toServer' ? proxy.peerSide.port : proxy.serverSide.port;
  for (let i = 0; i < count; i++) {
    from.socket.send(datagram(i), port, '127.0.0.1');
    if (spacingMs > 0) await new Promise((resolve) => setTimeout(resolve, spacingMs));
    // Let the sockets drain now and then: a burst of a thousand would overflow a receive buffer.
    else if (i % 10 === 9) await new Promise((resolve) => setImmediate(resolve));
  }
  await proxy.whenCounters(direction, (c) => c.received >= count && c.forwarded === c.received - c.lost + c.duplicated);
  const expected = proxy.counters(direction).forwarded;
  while (to.got.length < expected) await once(to.socket, 'message');
}

async function setup(t: Test, toServer: ImpairmentProfile, seed = 7): Promise<{ proxy: ImpairmentProxy; a: Peer; b: Peer }> {
  const [a, b] = await Promise.all([peer(t), peer(t)]);
  const proxy = await ImpairmentProxy.start({ seed, toServer });
  t.teardown(() => proxy.close());
  proxy.connect({ server: { host: '127.0.0.1', port: b.port } });
  return { proxy, a, b };
}

t.test('clean: both directions, in order, the server sees the offered address', async (t) => {
  const { proxy, a, b } = await setup(t, {});
  await exchange(proxy, 'toServer', a, b, 50);
  t.same(b.got.map((g) => g.id), [...Array(50).keys()]);
  t.ok(b.got.every((g) => g.from === proxy.serverSide.port), 'forwarded from serverSide');
  // The peer was latched from its first datagram: the way back works without naming it.
  await exchange(proxy, 'toPeer', b, a, 10);
  t.ok(a.got.length === 10 && a.got.every((g) => g.from === proxy.peerSide.port), 'the way back comes from peerSide');
  t.match(proxy.counters('toServer'), { received: 50, forwarded: 50, lost: 0, reordered: 0 });
  t.match(proxy.counters('toPeer'), { received: 10, forwarded: 10 });
});

t.test('Bernoulli loss: near the rate, and the same packets for the same seed', async (t) => {
  const runs: number[][] = [];
  for (let run = 0; run < 2; run++) {
    const { proxy, a, b } = await setup(t, { loss: { kind: 'bernoulli', p: 0.2 } }, 42);
    await exchange(proxy, 'toServer', a, b, 1000);
    const lost = proxy.counters('toServer').lost;
    t.ok(lost > 150 && lost < 250, `about 20 % lost (${lost})`);
    t.equal(b.got.length, 1000 - lost);
    runs.push(b.got.map((g) => g.id).sort((x, y) => x - y));
  }
  t.same(runs[0], runs[1], 'seeded: the same datagrams survive');
});

t.test('Gilbert loss comes in bursts', async (t) => {
  const { proxy, a, b } = await setup(t, { loss: { kind: 'gilbert', pGB: 0.02, pBG: 0.25 } }, 3);
  await exchange(proxy, 'toServer', a, b, 2000);
  const ids = new Set(b.got.map((g) => g.id));
  let bursts = 0;
  let lost = 0;
  for (let i = 0; i < 2000; i++) {
    if (ids.has(i)) continue;
    lost++;
    if (i === 0 || ids.has(i - 1)) bursts++;
  }
  t.ok(bursts > 0 && lost / bursts > 2, `mean burst ${(lost / Math.max(1, bursts)).toFixed(1)} packets (expected ≈ 4)`);
});

t.test('reordering and duplicates are done and counted', async (t) => {
  const { proxy, a, b } = await setup(t, { reorder: 0.2, reorderMs: 15, duplicate: 0.1 }, 11);
  await exchange(proxy, 'toServer', a, b, 100, 1);
  const c = proxy.counters('toServer');
  const ids = b.got.map((g) => g.id);
  let overtaken = 0;
  let newest = -1;
  for (const id of ids) {
    if (id < newest) overtaken++;
    newest = Math.max(newest, id);
  }
  t.ok(c.reordered > 0, `reordered ${c.reordered}`);
  t.equal(c.reordered, overtaken, 'the counter matches what arrived');
  t.ok(c.duplicated > 0 && ids.length === 100 + c.duplicated, `duplicates ${c.duplicated}`);
});

t.test('delay floor; close drops what is in flight', async (t) => {
  const { proxy, a, b } = await setup(t, { delayMs: 30, jitter: { kind: 'uniform', maxMs: 20 } });
  const sentAt = performance.now();
  await exchange(proxy, 'toServer', a, b, 20);
  t.ok(b.got.every((g) => g.at - sentAt >= 29), 'nothing arrives before the constant delay');
  proxy.setProfile('toServer', { delayMs: 10_000 });
  a.socket.send(datagram(99), proxy.peerSide.port, '127.0.0.1');
  await proxy.whenCounters('toServer', (c) => c.received === 21);
  t.equal(proxy.pending, 1, 'one datagram in flight');
  await proxy.close();
  await proxy.close();
  t.equal(proxy.pending, 0, 'its timer is cleared');
  t.equal(b.got.length, 20);
});
