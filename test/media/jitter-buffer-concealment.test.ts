// Codec-native concealment in the jitter buffer: in-band FEC, codec PLC, and the merge after generic PLC.
import t from 'tap';
import type { AudioDecoder } from '../../codecs/index.js';
import { JitterBuffer, type FrameKind } from '../../media/jitter-buffer.js';
import { byteDecoder, fillOf, FRAME, MAX_MERGE, payload, pull, SSRC } from './helpers/jitter-buffer-fixtures.js';

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
  // Packets 2-4 are lost. The blind concealment above was an underrun, so it held the timeline
  // (adaptive buffer: a late packet 2 would still have played); when 5 arrives, 2 and 3 get PLC
  // and 4 comes from 5's FEC.
  jb.push(5, 5 * FRAME, SSRC, false, payload(5));
  const later = Array.from({ length: 4 }, () => pull(jb));
  t.same(later.map(fillOf), [200, 200, 105, 5]);
  t.same(calls, ['conceal 160', 'conceal 160', 'conceal 160', 'fec 160 from 5']);
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
