import t, { type Test } from 'tap';
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { readMarker } from '../../../scripts/load/frame-marker.js';
import { RtpLoadGenerator } from '../../../scripts/load/rtp-load-generator.js';
import { ManualTimers } from './manual-timers.js';

/** A UDP echo on loopback that drops the frames `drop` says to, and counts the sequence numbers it saw. */
async function reflector(t: Test, drop: (port: number, tick: number) => boolean): Promise<{ socket: Socket; port: number; seen: Map<number, number[]> }> {
  const socket = createSocket('udp4');
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  t.teardown(() => socket.close());
  const seen = new Map<number, number[]>();
  socket.on('message', (data, from) => {
    const list = seen.get(from.port) ?? [];
    list.push(data.readUInt16BE(2));
    seen.set(from.port, list);
    if (!drop(from.port, readMarker(data, 12))) socket.send(data, from.port, from.address);
  });
  return { socket, port: socket.address().port, seen };
}

/** Resolves once the generator's sockets have received `count` packets in all. */
function received(generator: RtpLoadGenerator, count: number): Promise<void> {
  let seen = 0;
  return new Promise((resolve) => {
    for (const stream of generator.streams) {
      stream.socket.on('message', () => {
        if (++seen === count) resolve();
      });
    }
  });
}

async function openGenerator(t: Test, timers: ManualTimers, streams = 2): Promise<RtpLoadGenerator> {
  const generator = await RtpLoadGenerator.open({ streams, slots: 2, maxSeconds: 10, timers });
  t.teardown(() => generator.close());
  return generator;
}

t.test('sends one frame per stream per tick from tick 1 after connect, and accounts each echo', async (t) => {
  const timers = new ManualTimers();
  const generator = await openGenerator(t, timers);
  const dropped = new Set<string>();
  const far = await reflector(t, (port, tick) => {
    // Stream 0's frame of tick 5 is lost by "the server".
    const lose = port === generator.ports[0] && tick === 5;
    if (lose) dropped.add(`${port}:${tick}`);
    return lose;
  });
  generator.start();
  await generator.connect(0, '127.0.0.1', far.port);
  await generator.connect(1, '127.0.0.1', far.port);
  const echoes = received(generator, 19);
  timers.advanceTo(10 * 20 + 19); // ticks 0..10; the streams send on ticks 1..10
  await echoes;
  generator.stopSending();
  const report = generator.report();
  t.equal(report.totals.packetsOut, 20, '10 frames × 2 streams');
  t.equal(report.totals.packetsIn, 19);
  t.same(report.echo, { sent: 20, returned: 19, serverMissing: 1, missingAfterGeneratorLate: 0, streamsWithLoss: 1 });
  t.equal(dropped.size, 1, 'the reflector dropped exactly one frame');
  const seqs = far.seen.get(generator.ports[0] ?? 0) ?? [];
  t.same(seqs.slice(1).map((s, i) => (s - (seqs[i] ?? 0)) & 0xffff), new Array(9).fill(1), 'consecutive sequence numbers');
  t.equal(report.generator.lateFrames, 0);
});

t.test('frames the generator sent late are not blamed on the server; very late batches are skipped', async (t) => {
  const timers = new ManualTimers();
  const generator = await openGenerator(t, timers, 1);
  // Drop every frame: the split between "server" and "generator" losses is all that is measured.
  const far = await reflector(t, () => true);
  generator.start();
  await generator.connect(0, '127.0.0.1', far.port);
  // Stream 0 sends in slot 0: tick n is due at n × 20 ms.
  timers.advanceTo(5 * 20); // ticks 1..5 on time
  timers.stall(35); // now 135: tick 6 goes out 15 ms late
  timers.stall(100); // now 235: ticks 7 and 8 (95, 75 ms late) are skipped; 9, 10, 11 go out 55, 35, 15 ms late
  generator.stopSending();
  const report = generator.report();
  t.same(report.echo, { sent: 9, returned: 0, serverMissing: 5, missingAfterGeneratorLate: 4, streamsWithLoss: 1 });
  t.equal(report.generator.skippedFrames, 2);
  t.equal(report.generator.lateFrames, 4);
  t.equal(report.totals.packetsOut, 9, 'skipped frames are never sent');
  const seqs = far.seen.get(generator.ports[0] ?? 0) ?? [];
  await new Promise<void>((resolve) => {
    if (seqs.length === 9) resolve();
    else far.socket.on('message', () => (far.seen.get(generator.ports[0] ?? 0)?.length === 9 ? resolve() : undefined));
  });
  const received = far.seen.get(generator.ports[0] ?? 0) ?? [];
  t.equal(((received[7] ?? 0) - (received[5] ?? 0)) & 0xffff, 4, 'the two skipped frames leave a sequence gap, as lost packets would');
  t.ok(report.generator.latenessMaxMs > 60);
});

t.test('mark() starts the window: earlier frames and counters do not count', async (t) => {
  const timers = new ManualTimers();
  const generator = await openGenerator(t, timers, 1);
  const far = await reflector(t, () => false);
  generator.start();
  await generator.connect(0, '127.0.0.1', far.port);
  const first = received(generator, 3);
  timers.advanceTo(3 * 20);
  await first;
  generator.mark(); // the window opens at tick 4
  const second = received(generator, 4);
  timers.advanceTo(7 * 20);
  await second;
  generator.stopSending();
  const report = generator.report();
  t.equal(report.totals.packetsOut, 4, 'ticks 4..7');
  t.equal(report.totals.packetsIn, 4);
  t.same(report.echo, { sent: 4, returned: 4, serverMissing: 0, missingAfterGeneratorLate: 0, streamsWithLoss: 0 });
  t.equal(report.windowSeconds, 0.08);
});
