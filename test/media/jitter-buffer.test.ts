import t from 'tap';
import type { AudioDecoder } from '../../codecs/index.js';
import { JitterBuffer, type FrameKind } from '../../media/jitter-buffer.js';
import { buffer, fillOf, FRAME, MAX_MERGE, mergesInto, payload, pull, SSRC, type Pulled } from './helpers/jitter-buffer-fixtures.js';


t.test('in-order packets play after the target delay, one per tick', async (t) => {
  const jb = buffer(60);
  for (let k = 0; k < 5; k++) jb.push(100 + k, 8000 + k * FRAME, SSRC, k === 0, payload(k + 1));
  const frames = Array.from({ length: 8 }, () => pull(jb));
  t.same(frames.map((f) => f.kind), ['silence', 'silence', 'silence', 'audio', 'audio', 'audio', 'audio', 'audio']);
  t.same(frames.slice(3).map(fillOf), [1, 2, 3, 4, 5]);
  t.same(jb.counters(), { received: 5, late: 0, duplicates: 0, outOfOrder: 0, lost: 0, concealedSamples: 0, fecSamples: 0, resyncs: 0, undecodable: 0 });
});

t.test('reordered packets are played in sequence', async (t) => {
  const jb = buffer(40);
  for (const k of [0, 2, 1, 3]) jb.push(k, k * FRAME, SSRC, false, payload(k + 1));
  pull(jb);
  pull(jb);
  t.same([pull(jb), pull(jb), pull(jb), pull(jb)].map(fillOf), [1, 2, 3, 4]);
  t.equal(jb.counters().outOfOrder, 1);
  t.equal(jb.counters().lost, 0);
});

t.test('duplicates are dropped and counted', async (t) => {
  const jb = buffer(20);
  jb.push(0, 0, SSRC, false, payload(1));
  jb.push(1, FRAME, SSRC, false, payload(2));
  jb.push(1, FRAME, SSRC, false, payload(9));
  pull(jb);
  t.same([pull(jb), pull(jb)].map(fillOf), [1, 2]);
  // A copy of a packet already played is a duplicate too, not a late packet.
  jb.push(0, 0, SSRC, false, payload(9));
  t.equal(jb.counters().duplicates, 2);
  t.equal(jb.counters().late, 0);
});

t.test('a packet after its playout time is late: dropped, and its slot was concealed', async (t) => {
  const jb = buffer(20);
  jb.push(0, 0, SSRC, false, payload(50));
  jb.push(1, FRAME, SSRC, false, payload(60));
  jb.push(3, 3 * FRAME, SSRC, false, payload(80));
  pull(jb); // pre-start silence
  t.equal(fillOf(pull(jb)), 50);
  t.equal(fillOf(pull(jb)), 60);
  const gap = pull(jb);
  t.equal(gap.kind, 'concealed');
  jb.push(2, 2 * FRAME, SSRC, false, payload(70));
  t.equal(jb.counters().late, 1);
  const next = pull(jb);
  t.equal(next.kind, 'audio');
  t.ok(mergesInto(next, gap.samples[FRAME - 1] ?? 0, 80), 'the stream goes on, cross-faded in from the concealment');
  t.equal(jb.counters().lost, 1);
});

t.test('a lost packet is concealed for exactly its duration', async (t) => {
  const jb = buffer(20);
  for (const k of [0, 1, 3, 4]) jb.push(k, k * FRAME, SSRC, false, payload(100 + k));
  pull(jb);
  const frames = Array.from({ length: 5 }, () => pull(jb));
  t.same(frames.map((f) => f.kind), ['audio', 'audio', 'concealed', 'audio', 'audio']);
  t.equal(jb.counters().concealedSamples, FRAME, '160 samples = 20 ms concealed');
  t.equal(jb.counters().lost, 1);
  t.ok(frames[2]?.samples.some((v) => v !== 0), 'concealment repeats the earlier audio');
});

t.test('30 ms packets are sliced into 20 ms frames, and a lost one conceals 30 ms', async (t) => {
  const jb = buffer(40);
  // Each sample carries its position in the stream (mod 256), packets of 240 samples.
  const packets = 6;
  for (let k = 0; k < packets; k++) {
    if (k === 3) continue; // lost
    const bytes = new Uint8Array(240);
    for (let i = 0; i < 240; i++) bytes[i] = (k * 240 + i) % 256;
    jb.push(k, k * 240, SSRC, false, bytes);
  }
  pull(jb);
  pull(jb);
  const played: number[] = [];
  const kinds: FrameKind[] = [];
  for (let f = 0; f < (packets * 240) / FRAME; f++) {
    const frame = pull(jb);
    kinds.push(frame.kind);
    played.push(...frame.samples);
  }
  for (let i = 0; i < played.length; i++) {
    // The lost packet, and the start of the next one, which is cross-faded in from the concealment.
    if (i >= 720 && i < 960 + MAX_MERGE) continue;
    if (played[i] !== i % 256) {
      t.fail(`sample ${i} is ${played[i]}, wanted ${i % 256}`);
      return;
    }
  }
  t.pass('every received sample plays at its own timestamp (after the merge into returning audio)');
  t.not(played[960], 960 % 256, 'the first returning sample is merged with the concealment');
  t.equal(jb.counters().concealedSamples, 240, 'exactly the lost 30 ms are concealed');
  // The lost packet covers samples 720..960: frame 4 (640..800) mixes audio and
  // concealment, frame 5 (800..960) is all concealment.
  t.same(kinds, ['audio', 'audio', 'audio', 'audio', 'audio', 'concealed', 'audio', 'audio', 'audio']);
});

t.test('60 ms packets and a 10 ms stream play seamlessly', async (t) => {
  for (const samples of [480, 80]) {
    const jb = buffer(60);
    const count = 2400 / samples;
    for (let k = 0; k < count; k++) {
      const bytes = new Uint8Array(samples);
      for (let i = 0; i < samples; i++) bytes[i] = (k * samples + i) % 251;
      jb.push(k, k * samples, SSRC, false, bytes);
    }
    for (let f = 0; f < 3; f++) pull(jb);
    const played: number[] = [];
    for (let f = 0; f < 2400 / FRAME; f++) played.push(...pull(jb).samples);
    t.ok(played.every((v, i) => v === i % 251), `${samples / 8} ms packets: continuous`);
    t.equal(jb.counters().concealedSamples, 0);
  }
});

t.test('an SSRC change restarts the timeline at the target delay', async (t) => {
  const jb = buffer(40);
  jb.push(10, 1000, SSRC, false, payload(1));
  pull(jb);
  pull(jb);
  t.equal(fillOf(pull(jb)), 1);
  // A new source with unrelated sequence numbers and timestamps.
  jb.push(40000, 3_000_000_000, 0x99, true, payload(2));
  t.equal(jb.counters().resyncs, 1);
  t.same([pull(jb).kind, pull(jb).kind], ['silence', 'silence'], 'no concealment across a restart');
  t.equal(fillOf(pull(jb)), 2);
  t.equal(jb.counters().lost, 0);
});

t.test('a timestamp jump over a second, either way, restarts the timeline', async (t) => {
  const jb = buffer(20);
  jb.push(1, 16000, SSRC, false, payload(1));
  pull(jb);
  t.equal(fillOf(pull(jb)), 1);
  jb.push(2, 16000 + 160 + 8000 * 5, SSRC, false, payload(2)); // 5 s ahead
  t.equal(jb.counters().resyncs, 1);
  pull(jb);
  t.equal(fillOf(pull(jb)), 2);
  jb.push(3, 100, SSRC, false, payload(3)); // 7 s back
  t.equal(jb.counters().resyncs, 2);
  t.equal(jb.counters().late, 0, 'not treated as late');
  pull(jb);
  t.equal(fillOf(pull(jb)), 3);
});

t.test('a run of late packets (the sender moved its timeline back) restarts the timeline', async (t) => {
  const jb = buffer(20);
  for (let k = 0; k < 40; k++) jb.push(k, 8000 + k * FRAME, SSRC, false, payload(1));
  for (let f = 0; f < 41; f++) pull(jb);
  // The sender's timestamps go back 500 ms (less than the 1 s jump rule).
  const back = 8000 + 40 * FRAME - 4000;
  for (let k = 0; k < 9; k++) jb.push(40 + k, back + k * FRAME, SSRC, false, payload(2));
  t.equal(jb.counters().late, 9, 'nine late packets are just late');
  t.equal(jb.counters().resyncs, 0);
  jb.push(49, back + 9 * FRAME, SSRC, false, payload(3));
  t.equal(jb.counters().resyncs, 1, 'the tenth in a row restarts');
  pull(jb);
  t.equal(fillOf(pull(jb)), 3, 'and plays');
});

t.test('late packets followed by an in-time one do not restart', async (t) => {
  const jb = buffer(20);
  for (let k = 0; k < 30; k++) jb.push(k, k * FRAME, SSRC, false, payload(1));
  for (let f = 0; f < 21; f++) pull(jb);
  for (let k = 0; k < 12; k++) jb.push(100 + k, k * FRAME, SSRC, false, payload(2)); // stale copies, new seqs
  jb.push(30, 30 * FRAME, SSRC, false, payload(4));
  t.equal(jb.counters().resyncs, 1, 'twelve late packets: one restart at the tenth');
  const fresh = buffer(20);
  for (let k = 0; k < 30; k++) fresh.push(k, k * FRAME, SSRC, false, payload(1));
  for (let f = 0; f < 21; f++) pull(fresh);
  for (let k = 0; k < 9; k++) fresh.push(100 + k, k * FRAME, SSRC, false, payload(2));
  fresh.push(30, 30 * FRAME, SSRC, false, payload(4));
  t.equal(fresh.counters().resyncs, 0, 'nine late, then in time: no restart');
  t.equal(fresh.counters().late, 9);
});

t.test('a silence gap (DTX) plays silence and the next talkspurt keeps the target delay', async (t) => {
  const jb = buffer(40);
  jb.push(0, 0, SSRC, true, payload(1));
  jb.push(1, FRAME, SSRC, false, payload(2));
  pull(jb);
  pull(jb);
  t.equal(fillOf(pull(jb)), 1);
  t.equal(fillOf(pull(jb)), 2);
  // The sender stops for 2 s of silence but its timestamps run on 3 s (a clock
  // that does not match ours): a fixed mapping would now wait an extra second.
  for (let i = 0; i < 100; i++) pull(jb);
  jb.push(2, 2 * FRAME + 24000, SSRC, true, payload(3));
  const frames = [pull(jb), pull(jb), pull(jb)];
  t.same(frames.map((f) => f.kind), ['silence', 'silence', 'audio'], 'plays exactly 40 ms after arrival');
  t.equal(fillOf(frames[2] as Pulled), 3);
  t.equal(jb.counters().lost, 0, 'no packet was missing');
});

t.test('a known silence gap between consecutive packets is silence, not loss', async (t) => {
  const jb = buffer(20);
  jb.push(0, 0, SSRC, false, payload(1));
  jb.push(1, 5 * FRAME, SSRC, true, payload(2)); // next seq, 80 ms later
  pull(jb);
  const kinds = Array.from({ length: 6 }, () => pull(jb).kind);
  t.same(kinds, ['audio', 'silence', 'silence', 'silence', 'silence', 'audio']);
  t.equal(jb.counters().concealedSamples, 0);
});

t.test('a stream that stops is concealed briefly, then silent', async (t) => {
  const jb = buffer(20);
  jb.push(0, 0, SSRC, false, payload(5));
  pull(jb);
  pull(jb);
  const kinds = Array.from({ length: 10 }, () => pull(jb).kind);
  t.same(kinds.slice(0, 5), ['concealed', 'concealed', 'concealed', 'concealed', 'concealed']);
  t.same(kinds.slice(5), ['silence', 'silence', 'silence', 'silence', 'silence']);
  t.equal(jb.counters().concealedSamples, 800, '100 ms of concealment at most');
});

t.test('skip drops frames without changing the timeline', async (t) => {
  const jb = buffer(20);
  for (let k = 0; k < 6; k++) jb.push(k, k * FRAME, SSRC, false, payload(k + 1));
  pull(jb);
  jb.skip(2);
  t.equal(fillOf(pull(jb)), 3, 'frames 1 and 2 were skipped');
});

t.test('sequence numbers and timestamps wrap', async (t) => {
  const jb = buffer(20);
  const startTs = 0xffffffff - 2 * FRAME + 1;
  for (let k = 0; k < 5; k++) jb.push((65534 + k) & 0xffff, (startTs + k * FRAME) >>> 0, SSRC, false, payload(k + 1));
  pull(jb);
  t.same(Array.from({ length: 5 }, () => fillOf(pull(jb))), [1, 2, 3, 4, 5]);
  t.equal(jb.counters().resyncs, 0);
  t.equal(jb.counters().lost, 0);
});

t.test('a wideband decoder (sample rate = 2 × clock rate) fills 320-sample frames', async (t) => {
  const doubling: AudioDecoder = {
    decode(bytes, out) {
      for (let i = 0; i < bytes.length; i++) {
        out[2 * i] = bytes[i] ?? 0;
        out[2 * i + 1] = bytes[i] ?? 0;
      }
      return 2 * bytes.length;
    },
  };
  const jb = new JitterBuffer({ clockRate: 8000, sampleRate: 16000, targetDelayMs: 20, decoder: doubling });
  t.equal(jb.samplesPerFrame, 320);
  jb.push(0, 0, SSRC, false, payload(4));
  const out = new Int16Array(320);
  jb.pull(out);
  t.equal(jb.pull(out), 'audio');
  t.ok(out.every((v) => v === 4));
});
