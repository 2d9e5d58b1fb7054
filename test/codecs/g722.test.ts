/**
 * G.722 against an independent reference: Debian's ffmpeg (libavcodec's
 * adpcm_g722). Our decoder must reproduce ffmpeg's decoding of ffmpeg's
 * streams within ±1 LSB, and ffmpeg must decode our streams at ≥ 20 dB SNR.
 */
import t from 'tap';
import { G722Decoder, G722Encoder, g722 } from '../../codecs/index.js';
import { ffmpeg, ffmpegMissing, fromS16le, s16le } from '../helpers/ffmpeg.js';
import { readAudioFixture } from '../helpers/wav.js';
import { alignedSnr, harmonicSpeech, sweep } from './signals.js';

const RATE = 16000;
const ENCODE = ['-f', 's16le', '-ar', '16000', '-ac', '1', '-i', 'pipe:0', '-acodec', 'g722', '-f', 'g722', 'pipe:1'];
const DECODE = ['-f', 'g722', '-i', 'pipe:0', '-f', 's16le', 'pipe:1'];

const signals: ReadonlyArray<readonly [string, () => Int16Array]> = [
  ['male speech (espeak-ng fixture)', () => readAudioFixture('speech-male-16k.wav').samples],
  ['female speech (espeak-ng fixture)', () => readAudioFixture('speech-female-16k.wav').samples],
  ['harmonic speech-like signal', () => harmonicSpeech(RATE, 2)],
  ['sweep 50..7500 Hz at -6 dBFS', () => sweep(RATE, 2, 50, 7500, -6)],
];

function encodeAll(pcm: Int16Array): Uint8Array {
  const out = new Uint8Array(pcm.length >> 1);
  new G722Encoder().encode(pcm, out);
  return out;
}

function decodeAll(bytes: Uint8Array): Int16Array {
  const out = new Int16Array(bytes.length * 2);
  new G722Decoder().decode(bytes, out);
  return out;
}

t.test('our decoder reproduces ffmpeg’s decoding of ffmpeg’s G.722 within ±1 LSB', { skip: ffmpegMissing }, async (t) => {
  for (const [name, make] of signals) {
    const pcm = make();
    const stream = await ffmpeg(ENCODE, s16le(pcm));
    const reference = fromS16le(await ffmpeg(DECODE, stream));
    const ours = decodeAll(stream);
    t.equal(ours.length, reference.length, `${name}: same length`);
    let worst = 0;
    let differing = 0;
    for (let i = 0; i < ours.length; i++) {
      const d = Math.abs((ours[i] ?? 0) - (reference[i] ?? 0));
      if (d > worst) worst = d;
      if (d > 0) differing++;
    }
    t.ok(worst <= 1, `${name}: largest difference ${worst} LSB (${differing} of ${ours.length} samples differ)`);
  }
});

t.test('ffmpeg decodes our G.722 at ≥ 20 dB SNR; our encoder matches ffmpeg’s bit for bit', { skip: ffmpegMissing }, async (t) => {
  for (const [name, make] of signals) {
    const pcm = make();
    const ours = encodeAll(pcm);
    const decoded = fromS16le(await ffmpeg(DECODE, ours));
    const { snrDb, delay } = alignedSnr(pcm, decoded, 64);
    t.ok(snrDb >= 20, `${name}: SNR ${snrDb.toFixed(1)} dB at ${delay} samples delay`);
    const theirs = await ffmpeg(ENCODE, s16le(pcm));
    let same = 0;
    for (let i = 0; i < ours.length; i++) if (ours[i] === theirs[i]) same++;
    t.equal(same, ours.length, `${name}: ${same} of ${ours.length} codewords identical to ffmpeg’s encoder`);
  }
});

t.test('20 ms frames through the descriptor equal one-shot coding (state carries across frames)', async (t) => {
  const pcm = harmonicSpeech(RATE, 1);
  const encoder = g722.createEncoder?.({ fmtp: {}, ptime: 20 });
  const decoder = g722.createDecoder?.({ fmtp: {}, ptime: 20 });
  if (!encoder || !decoder) throw new Error('G.722 lacks coders');
  const frameBytes = g722.frameBytes?.(20) ?? 0;
  const framed = new Uint8Array(pcm.length >> 1);
  const decoded = new Int16Array(pcm.length);
  const out = new Int16Array(320);
  for (let f = 0; f * 320 < pcm.length; f++) {
    const bytes = new Uint8Array(frameBytes);
    t.equal(encoder.encode(pcm.subarray(f * 320, (f + 1) * 320), bytes), 160);
    framed.set(bytes, f * 160);
    t.equal(decoder.decode(bytes, out), 320);
    decoded.set(out, f * 320);
  }
  t.same(framed, encodeAll(pcm), 'same codewords');
  t.same(decoded, decodeAll(encodeAll(pcm)), 'same PCM');
  const { snrDb } = alignedSnr(pcm, decoded, 64);
  t.ok(snrDb >= 20, `round trip SNR ${snrDb.toFixed(1)} dB`);
});

t.test('bad input is clipped, never thrown on', async (t) => {
  const decoder = new G722Decoder();
  const out = new Int16Array(6);
  t.equal(decoder.decode(Uint8Array.from([0xff, 0x00, 0x3f, 0xc0, 0x12]), out), 6, 'a short output buffer takes what fits');
  t.equal(decoder.decode(new Uint8Array(0), out), 0);
  const encoder = new G722Encoder();
  const bytes = new Uint8Array(2);
  t.equal(encoder.encode(Int16Array.from([32767, -32768, 32767, -32768, 1]), bytes), 2, 'pairs only, up to the output size');
  // Full-scale square waves must stay in range through both QMFs and the predictors.
  const square = Int16Array.from({ length: 3200 }, (_, i) => (i % 16 < 8 ? 32767 : -32768));
  const back = decodeAll(encodeAll(square));
  t.ok(back.every((v) => v >= -32768 && v <= 32767), 'full-scale input decodes in range');
  t.ok(alignedSnr(square, back, 64).snrDb > 5, 'and still resembles the input');
});
