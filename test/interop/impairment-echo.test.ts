/**
 * The echo app end to end through a bad network: a 1 kHz tone goes to
 * voxbridge through the impairment proxy (30 ms jitter as 0–60 ms uniform,
 * 3 % loss, 5 % reordered, both seeded) and comes back through it. The echo
 * must still be the tone at its level, frame after frame (losses concealed,
 * not gaps); the leg's stats must show the concealment and a jitter-buffer
 * target that adapted above its minimum; and the delay must not have grown
 * from the start of the tone to its end by more than the adaptation needs.
 */
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import t from 'tap';
import { rtpDatagram } from '../fixtures/rtp/packets.js';
import { dominantFrequency, generateTone, goertzelPower, levelDbfs, steadyPart } from '../helpers/audio.js';
import { g711Decode, g711Encode } from '../helpers/g711.js';
import { ImpairmentProxy } from '../helpers/impairment-proxy.js';
import { SipTestClient } from '../helpers/sip-test-client.js';
import { eventually, startServerUnderTest } from './voxbridge-under-test.js';

const FRAMES = 150; // 3 s of 20 ms PCMU
/** The last frames carry another frequency: where it starts in the echo times the delay at the end. */
const END_MARK_FRAME = 140;
const END_MARK_HZ = 600;
const TONE_DBFS = -10;
/** A frame counts as "the tone" when this loud (the tone is at −10 dBFS). */
const LOUD_DBFS = -20;

function rtp(seq: number, ts: number, payload: Uint8Array): Uint8Array {
  return rtpDatagram({ pt: 0, seq, ts, ssrc: 0xfeed, marker: seq === 0 }, payload);
}

function offer(port: number): string {
  return ['v=0', 'o=tester 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', `m=audio ${port} RTP/AVP 0`, 'a=rtpmap:0 PCMU/8000', 'a=ptime:20', 'a=sendrecv', ''].join('\r\n');
}

interface Echoed {
  readonly seq: number;
  readonly at: number;
  readonly pcm: Int16Array;
}

t.test('echo through 30 ms jitter, 3 % loss and reordering', async (t) => {
  const { server, udp } = await startServerUnderTest(t, (config) => {
    config.media.inProcess = true;
  });
  const proxy = await ImpairmentProxy.start({
    seed: 6,
    toServer: { jitter: { kind: 'uniform', maxMs: 60 }, loss: { kind: 'bernoulli', p: 0.03 }, reorder: 0.05, reorderMs: 30 },
    toPeer: { jitter: { kind: 'uniform', maxMs: 5 } },
  });
  t.teardown(() => proxy.close());
  const socket = createSocket('udp4');
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  t.teardown(() => socket.close());
  const echoed: Echoed[] = [];
  socket.on('message', (data: Buffer) => {
    if (data.length > 12) echoed.push({ seq: data.readUInt16BE(2), at: performance.now(), pcm: g711Decode('PCMU', data.subarray(12)) });
  });

  const client = await SipTestClient.create({ server: udp });
  t.teardown(() => client.close());
  const call = await client.invite('echo', { sdp: offer(proxy.serverSide.port) });
  t.equal(call.status, 200, 'echo answers');
  const media = call.remoteMedia;
  if (media === null) throw new Error('no SDP answer');
  proxy.connect({ server: { host: media.address, port: media.port }, peer: { host: '127.0.0.1', port: socket.address().port } });

  const pcmOut = new Int16Array(FRAMES * 160);
  pcmOut.set(generateTone({ frequency: 1000, dbfs: TONE_DBFS, samples: END_MARK_FRAME * 160 }));
  pcmOut.set(generateTone({ frequency: END_MARK_HZ, dbfs: TONE_DBFS, samples: (FRAMES - END_MARK_FRAME) * 160 }), END_MARK_FRAME * 160);
  const tone = g711Encode('PCMU', pcmOut);
  const start = performance.now();
  for (let i = 0; i < FRAMES; i++) {
    socket.send(rtp(i, i * 160, tone.subarray(i * 160, (i + 1) * 160)), proxy.peerSide.port, '127.0.0.1');
    await delay(Math.max(0, start + (i + 1) * 20 - performance.now()));
  }
  const markSentAt = start + END_MARK_FRAME * 20;
  // The echo of the last packets (and the concealment after them) is still on its way.
  await proxy.whenCounters('toServer', (c) => c.received === FRAMES);
  t.ok(await eventually(() => echoed.length > 0 && proxy.pending === 0 && performance.now() - (echoed.at(-1)?.at ?? 0) > 300, 4000), 'the echo ended');
  // A starved machine skips ticks (their frames are dropped, not sent late): allow for a few.
  t.ok(echoed.length >= FRAMES * 0.8, `the echo came back (${echoed.length} packets)`);
  await call.hangup();
  t.ok(await eventually(() => server.closedLegStats().length > 0));

  // In sequence order (the way back jitters a little too); seq starts anywhere and may wrap.
  const first = echoed[0]?.seq ?? 0;
  const order = (seq: number): number => ((seq - first + 32768) & 0xffff) - 32768;
  const frames = [...echoed].sort((a, b) => order(a.seq) - order(b.seq));
  const pcm = new Int16Array(frames.length * 160);
  frames.forEach((f, i) => pcm.set(f.pcm, i * 160));
  const isMark = (f: Echoed): boolean => goertzelPower(f.pcm, END_MARK_HZ, 8000) > goertzelPower(f.pcm, 1000, 8000);
  const mark = frames.findIndex((f) => levelDbfs(f.pcm) > LOUD_DBFS && isMark(f));
  t.ok(mark > 0, 'the end mark came back');
  const steady = steadyPart(pcm.subarray(0, mark * 160), 8000, 200);
  const hz = dominantFrequency(steady, 8000);
  t.ok(Math.abs(hz - 1000) <= 20, `the echo is the 1 kHz tone (${hz.toFixed(1)} Hz)`);
  t.ok(Math.abs(levelDbfs(steady) - TONE_DBFS) <= 3, `at its level (${levelDbfs(steady).toFixed(1)} dBFS)`);
  // Continuity: losses were filled, not left as holes of silence in the middle of the tone.
  const loud = frames.filter((f) => levelDbfs(f.pcm) > LOUD_DBFS);
  const firstLoud = frames.indexOf(loud[0] as Echoed);
  const lastLoud = frames.indexOf(loud.at(-1) as Echoed);
  const span = lastLoud - firstLoud + 1;
  t.ok(loud.length >= span - 2, `the tone is continuous (${loud.length} loud frames of ${span})`);
  t.ok(span >= FRAMES * 0.8, `and about as long as what was sent (${span} frames)`);

  // The delay at the start (first arrival + start delay) and at the end (the end mark's round trip).
  const onsetMs = (loud[0]?.at ?? 0) - start;
  const endMs = (frames[mark]?.at ?? 0) - markSentAt;

  const network = proxy.counters('toServer');
  t.ok(network.lost > 0 && network.reordered > 0, `the network lost ${network.lost} and reordered ${network.reordered}`);
  const stats = server.closedLegStats().at(-1);
  if (stats === undefined) throw new Error('no leg stats');
  const jb = stats.jitterBuffer;
  t.ok(stats.rx.lost > 0, `the leg counted loss (${stats.rx.lost})`);
  t.ok(stats.concealedMs >= 20 * (stats.rx.lost - 1), `and concealed it (${stats.concealedMs.toFixed(0)} ms for ${stats.rx.lost} lost, ${stats.rx.late} late)`);
  t.ok(stats.rx.outOfOrder > 0, `reordered packets were put back in order (${stats.rx.outOfOrder})`);
  t.ok(jb.targetMs > jb.minMs, `the target adapted above its minimum (${jb.targetMs} > ${jb.minMs} ms)`);
  t.ok(jb.targetMs < jb.maxMs, `and stayed below its maximum (${jb.targetMs} < ${jb.maxMs} ms)`);
  t.ok(jb.acceleratedMs > 0, `the buffer also shrank (${jb.acceleratedMs} ms accelerated): not a delay that only grows`);
  // Round trip ≈ playout delay (the target above the fastest packet) + a tick's phase + ≤ 5 ms back; the rest is slack for a loaded machine.
  t.ok(endMs <= jb.targetMs + 100, `the delay at the end follows the target (${endMs.toFixed(0)} ms round trip, target ${jb.targetMs} ms, onset ${onsetMs.toFixed(0)} ms)`);
  t.comment(JSON.stringify({ network, rx: stats.rx, jitterBuffer: jb, concealedMs: stats.concealedMs, onsetMs, endMs }));
});
