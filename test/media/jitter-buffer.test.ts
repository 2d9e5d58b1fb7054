import t from 'tap';
import type { AudioDecoder } from '../../codecs/index.js';
import { JitterBuffer, type FrameKind } from '../../media/jitter-buffer.js';

/**
 * A test decoder that turns each payload byte into one sample of that value,
 * so a frame's samples say which packet (and which part of it) was played.
 */
const byteDecoder: AudioDecoder = {
  decode(payload, out) {
    for (let i = 0; i < payload.length; i++) out[i] = payload[i] ?? 0;
    return payload.length;
  },
};

const SSRC = 0x11223344;
const FRAME = 160;

function buffer(targetDelayMs = 60): JitterBuffer {
  return new JitterBuffer({ clockRate: 8000, sampleRate: 8000, targetDelayMs, decoder: byteDecoder });
}

/** A packet of `samples` samples, every byte set to `fill`. */
function payload(fill: number, samples = FRAME): Uint8Array {
  return new Uint8Array(samples).fill(fill);
}

interface Pulled {
  readonly kind: FrameKind;
  readonly samples: Int16Array;
}

function pull(jb: JitterBuffer): Pulled {
  const out = new Int16Array(FRAME);
  const kind = jb.pull(out);
  return { kind, samples: out };
}

/** The fill value of a frame when it is uniform, else 'mixed'. */
function fillOf(frame: Pulled): number | 'mixed' {
  const first = frame.samples[0] ?? 0;
  return frame.samples.every((v) => v === first) ? first : 'mixed';
}

/**
 * Longest cross-fade when audio returns after generic concealment: a quarter
 * of the longest pitch period the concealer searches (15 ms at 8 kHz = 122
 * samples), so 30 samples.
 */
const MAX_MERGE = 30;

/**
 * A frame of returning audio after generic concealment: its first samples are
 * cross-faded in from the concealment (`PacketLossConcealer.resume`), so they
 * run monotonically from near the last concealed sample to the packet's value,
 * and from at most MAX_MERGE samples on they are the packet's own value.
 */
function mergesInto(frame: Pulled, lastConcealed: number, value: number): boolean {
  const s = Array.from(frame.samples);
  const settled = s.slice(MAX_MERGE).every((v) => v === value);
  const ramp = s.slice(0, MAX_MERGE + 1);
  const direction = Math.sign(value - lastConcealed);
  const monotone = ramp.every((v, i) => i === 0 || Math.sign(v - (ramp[i - 1] ?? v)) !== -direction);
  const between = ramp.every((v) => (v - lastConcealed) * direction >= 0 && (value - v) * direction >= 0);
  return settled && monotone && between && s[0] !== value;
}

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

/** A byte decoder with codec PLC (fills 200) and in-band FEC (fills 100 + the next packet's byte). */
function lossToolsDecoder(calls: string[]): AudioDecoder {
  return {
    decode: byteDecoder.decode,
    conceal(out, samples) {
      calls.push(`conceal ${samples}`);
      out.fill(200, 0, samples);
      return samples;
    },
    decodeFec(next, out, samples) {
      calls.push(`fec ${samples} from ${next[0] ?? -1}`);
      out.fill(100 + (next[0] ?? 0), 0, samples);
      return samples;
    },
  };
}

t.test('a lost packet is rebuilt from the next packet’s FEC when that packet is already here', async (t) => {
  const calls: string[] = [];
  const jb = new JitterBuffer({ clockRate: 8000, sampleRate: 8000, targetDelayMs: 60, decoder: lossToolsDecoder(calls) });
  for (const seq of [1, 2, 4, 5]) jb.push(seq, seq * FRAME, SSRC, seq === 1, payload(seq));
  const frames = Array.from({ length: 8 }, () => pull(jb)).slice(3);
  t.same(frames.map(fillOf), [1, 2, 104, 4, 5], 'frame 3 comes from packet 4’s FEC, then packet 4 plays');
  t.same(calls, ['fec 160 from 4']);
  t.equal(jb.counters().fecSamples, FRAME);
  t.equal(jb.counters().concealedSamples, FRAME);
  t.equal(jb.counters().lost, 1);
});

t.test('without the next packet the codec’s PLC conceals; a long hole uses PLC then FEC for its end', async (t) => {
  const calls: string[] = [];
  const jb = new JitterBuffer({ clockRate: 8000, sampleRate: 8000, targetDelayMs: 60, decoder: lossToolsDecoder(calls) });
  jb.push(1, FRAME, SSRC, true, payload(1));
  const early = Array.from({ length: 5 }, () => pull(jb)).slice(3);
  t.same(early.map(fillOf), [1, 200], 'nothing queued: codec PLC');
  // Packets 2-4 are lost: 2 was concealed blind above; when 5 arrives, 3 gets PLC and 4 comes from 5's FEC.
  jb.push(5, 5 * FRAME, SSRC, false, payload(5));
  const later = Array.from({ length: 3 }, () => pull(jb));
  t.same(later.map(fillOf), [200, 105, 5]);
  t.same(calls, ['conceal 160', 'conceal 160', 'fec 160 from 5']);
});

/** Payload bytes as little-endian 16-bit PCM (a lossless stand-in for a codec without PLC). */
const pcmDecoder: AudioDecoder = {
  decode(payload, out) {
    const samples = payload.length >> 1;
    for (let i = 0; i < samples; i++) out[i] = ((payload[2 * i + 1] ?? 0) << 8) | (payload[2 * i] ?? 0);
    return samples;
  },
};

function pcmPayload(pcm: Int16Array): Uint8Array {
  return new Uint8Array(pcm.buffer.slice(pcm.byteOffset, pcm.byteOffset + pcm.byteLength));
}

t.test('audio returning after generic concealment is merged without a click', async (t) => {
  // A 200 Hz cosine (period 40 samples, so every 20 ms frame starts at its peak), 40 ms lost:
  // the concealment has faded to a third by then, so the first returning sample would jump by
  // two thirds of the amplitude. The merge must keep every step near the signal's own.
  const amplitude = 10000;
  const cosine = (n: number): number => Math.round(amplitude * Math.cos((2 * Math.PI * 200 * n) / 8000));
  const jb = new JitterBuffer({ clockRate: 8000, sampleRate: 8000, targetDelayMs: 20, decoder: pcmDecoder });
  const packets = 10;
  for (let k = 0; k < packets; k++) {
    if (k === 4 || k === 5) continue;
    const pcm = new Int16Array(FRAME);
    for (let i = 0; i < FRAME; i++) pcm[i] = cosine(k * FRAME + i);
    jb.push(k, k * FRAME, SSRC, k === 0, pcmPayload(pcm));
  }
  pull(jb);
  const played: number[] = [];
  const kinds: FrameKind[] = [];
  for (let f = 0; f < packets; f++) {
    const frame = pull(jb);
    kinds.push(frame.kind);
    played.push(...frame.samples);
  }
  t.same(kinds, ['audio', 'audio', 'audio', 'audio', 'concealed', 'concealed', 'audio', 'audio', 'audio', 'audio']);
  const resume = 6 * FRAME;
  const naturalStep = Math.ceil(amplitude * 2 * Math.sin((Math.PI * 200) / 8000)); // largest step of the cosine itself
  const unmergedJump = Math.abs(cosine(resume) - (played[resume - 1] ?? 0));
  t.ok(unmergedJump > 3 * naturalStep, `without the merge the junction would jump by ${unmergedJump}`);
  let worst = 0;
  for (let i = resume - 10; i < resume + 40; i++) worst = Math.max(worst, Math.abs((played[i] ?? 0) - (played[i - 1] ?? 0)));
  t.ok(worst <= 1.5 * naturalStep, `largest step around the junction ${worst} <= 1.5 × the cosine's own ${naturalStep}`);
  t.not(played[resume], cosine(resume), 'the first returning sample is merged');
  const exactFrom = resume + MAX_MERGE;
  t.ok(played.slice(exactFrom).every((v, i) => v === cosine(exactFrom + i)), 'after the merge the audio plays unchanged');
  t.equal(jb.counters().concealedSamples, 2 * FRAME, 'the merge is not counted as concealment');
});
