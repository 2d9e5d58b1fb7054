/** The SPSC frame ring: single-thread semantics, then 1e6 frames across real threads. */
import t from 'tap';
import type { Worker } from 'node:worker_threads';
import { SpscRing } from '../../../media/voice/spsc-ring.js';
import { spawnWorker } from '../../../media/worker/spawn.js';
import { checkFrame, fillFrame, type RingPeerData, type RingPeerResult } from './fixtures/ring-peer.js';

const PEER = new URL('./fixtures/ring-peer.js', import.meta.url);
const FRAMES = 1_000_000;
const FRAME_SAMPLES = 16;

t.test('write/read in order, full ring refuses and counts, wrap-around keeps order', (t) => {
  const ring = SpscRing.create(3, 4);
  const frame = new Int16Array(4);
  const out = new Int16Array(4);
  t.equal(ring.read(out), -1, 'empty');
  t.notOk(ring.skip(), 'nothing to skip');
  let next = 0;
  for (let round = 0; round < 10; round++) {
    for (let k = 0; k < 3; k++) {
      fillFrame(frame, next + k);
      t.ok(ring.write(frame, next + k), `write ${next + k}`);
    }
    t.notOk(ring.write(frame, 99), 'full: refused');
    t.equal(ring.readable(), 3);
    for (let k = 0; k < 3; k++) {
      t.equal(ring.peekSeq(), next + k);
      t.equal(ring.read(out), 4);
      t.equal(checkFrame(out, next + k), -1, `frame ${next + k} intact`);
    }
    next += 3;
  }
  t.equal(ring.overruns, 10, 'each refused write counted');
  t.notOk(ring.write(new Int16Array(5), 1), 'a frame longer than a slot is refused');
  t.equal(ring.overruns, 11);
  t.end();
});

t.test('the other side attaches from the buffer alone; skip drops the oldest', (t) => {
  const producer = SpscRing.create(4, 8);
  const consumer = new SpscRing(producer.buffer);
  t.equal(consumer.slots, 4);
  t.equal(consumer.maxSamples, 8);
  producer.write(Int16Array.of(1, 2, 3), 10);
  producer.write(Int16Array.of(4, 5), 11);
  t.equal(consumer.peekLength(), 3);
  t.ok(consumer.skip());
  const out = new Int16Array(8);
  t.equal(consumer.peekSeq(), 11);
  t.equal(consumer.read(out), 2);
  t.same([...out.subarray(0, 2)], [4, 5]);
  t.notOk(consumer.waitReadable(0), 'nothing left, no wait with a zero timeout');
  t.ok(producer.waitWritable(0));
  t.end();
});

t.test('int32 counters wrap without losing order', (t) => {
  const ring = SpscRing.create(2, 1);
  // Move both counters close to 2^31 by writing and reading: set them directly through the header.
  const header = new Int32Array(ring.buffer, 0, 48);
  header[0] = 0x7ffffffe;
  header[16] = 0x7ffffffe;
  const out = new Int16Array(1);
  for (let n = 0; n < 6; n++) {
    t.ok(ring.write(Int16Array.of(n), n));
    t.equal(ring.readable(), 1);
    t.equal(ring.read(out), 1);
    t.equal(out[0], n);
  }
  t.ok(header[0] !== undefined && header[0] < 0, 'head wrapped to negative');
  t.end();
});

function runPeer(t: { teardown(fn: () => unknown): void }, data: RingPeerData): { worker: Worker; result: Promise<RingPeerResult> } {
  const worker = spawnWorker(PEER, { workerData: data });
  t.teardown(() => worker.terminate());
  const result = new Promise<RingPeerResult>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return { worker, result };
}

type Scenario = { name: string; consumerSlow: number; producerSlow: number };
const SCENARIOS: Scenario[] = [
  { name: 'slow consumer', consumerSlow: 25_000, producerSlow: 0 },
  { name: 'slow producer', consumerSlow: 0, producerSlow: 25_000 },
];

for (const scenario of SCENARIOS) {
  t.test(`1e6 frames across threads, ${scenario.name}: none lost, duplicated or reordered`, async (t) => {
    const ring = SpscRing.create(8, FRAME_SAMPLES);
    const base = { buffer: ring.buffer, frames: FRAMES, frameSamples: FRAME_SAMPLES, slowMs: 2, blocking: true };
    const consumer = runPeer(t, { ...base, role: 'consumer', slowEvery: scenario.consumerSlow });
    const producer = runPeer(t, { ...base, role: 'producer', slowEvery: scenario.producerSlow });
    const [sent, received] = await Promise.all([producer.result, consumer.result]);
    t.equal(sent.handled, FRAMES, 'the blocking producer wrote every frame');
    t.equal(received.handled, FRAMES, 'the consumer got every frame');
    t.same(received.errors, [], 'in order, intact, no duplicates');
    t.equal(ring.overruns, 0, 'a producer that waits for room never overruns');
  });
}

t.test('a producer that never blocks drops on a full ring, counts it, and what arrives stays in order', async (t) => {
  const ring = SpscRing.create(4, FRAME_SAMPLES);
  const frames = 200_000;
  const consumerSide = new SpscRing(ring.buffer);
  const producer = runPeer(t, {
    role: 'producer',
    buffer: ring.buffer,
    frames,
    frameSamples: FRAME_SAMPLES,
    slowEvery: 0,
    slowMs: 0,
    blocking: false,
  });
  const out = new Int16Array(FRAME_SAMPLES);
  let last = -1;
  let received = 0;
  const errors: string[] = [];
  for (;;) {
    if (!consumerSide.waitReadable(1000)) continue;
    const seq = consumerSide.peekSeq();
    consumerSide.read(out);
    if (seq === -1) break;
    if (seq <= last) errors.push(`seq ${seq} after ${last}`);
    if (checkFrame(out, seq) >= 0) errors.push(`frame ${seq} corrupted`);
    last = seq;
    received++;
    // A consumer much slower than the producer.
    if (received % 64 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  const sent = await producer.result;
  t.same(errors.slice(0, 5), [], 'increasing seqs, intact frames');
  t.equal(received, sent.handled, 'everything the producer managed to write arrived');
  t.equal(sent.handled + ring.overruns, frames, 'every other frame was counted as an overrun');
  t.ok(ring.overruns > 0, 'the ring did fill up');
});
