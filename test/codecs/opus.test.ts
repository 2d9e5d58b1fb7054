/**
 * Opus through our binding of opusscript's libopus 1.4 WASM, checked against
 * Debian ffmpeg's libopus (an independent native build, 1.3.1) through Ogg
 * Opus files, plus the two loss tools: in-band FEC and exact-length PLC.
 */
import t from 'tap';
import { OpusDecoder, OpusEncoder, opus, opusEncoderSettings, OPUS_LOCAL_DEFAULTS, type OpusEncoderSettings, type OpusLocalSettings } from '../../codecs/index.js';
import { ffmpeg, ffmpegMissing, fromS16le } from '../helpers/ffmpeg.js';
import { readOggOpus, writeOggOpus } from '../helpers/ogg-opus.js';
import { readAudioFixture } from '../helpers/wav.js';
import { alignedSnr, harmonicSpeech } from './signals.js';

const RATES = [8000, 12000, 16000, 24000, 48000] as const;

function settings(sampleRate: number, fmtp: Record<string, string> = {}, local: Partial<OpusLocalSettings> = {}): OpusEncoderSettings {
  return opusEncoderSettings(fmtp, sampleRate, { ...OPUS_LOCAL_DEFAULTS, ...local });
}

/** The 16 kHz speech fixture at 48 kHz (linear interpolation: fine as an input signal). */
function speech48k(): Int16Array {
  const src = readAudioFixture('speech-male-16k.wav').samples.subarray(0, 16000 * 4);
  const out = new Int16Array(src.length * 3);
  for (let i = 0; i < out.length; i++) {
    const p = i / 3;
    const a = Math.floor(p);
    const f = p - a;
    out[i] = Math.round((src[a] ?? 0) * (1 - f) + (src[a + 1] ?? 0) * f);
  }
  return out;
}

function encodeFrames(encoder: OpusEncoder, pcm: Int16Array, frame: number): Uint8Array[] {
  const packets: Uint8Array[] = [];
  const out = new Uint8Array(1500);
  for (let at = 0; at + frame <= pcm.length; at += frame) {
    const n = encoder.encode(pcm.subarray(at, at + frame), out);
    packets.push(out.slice(0, n));
  }
  return packets;
}

function decodeFrames(decoder: OpusDecoder, packets: readonly Uint8Array[], frame: number): Int16Array {
  const pcm = new Int16Array(packets.length * frame);
  const out = new Int16Array(5760);
  packets.forEach((packet, i) => {
    const n = decoder.decode(packet, out);
    pcm.set(out.subarray(0, Math.min(n, frame)), i * frame);
  });
  return pcm;
}

/** SNR of `b` against `a` sample for sample. */
function snr(a: Int16Array, b: Int16Array): number {
  let signal = 0;
  let noise = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] ?? 0;
    signal += x * x;
    noise += (x - (b[i] ?? 0)) ** 2;
  }
  return 10 * Math.log10(signal / noise);
}

function levelDb(pcm: Int16Array): number {
  let sum = 0;
  for (const x of pcm) sum += x * x;
  return 10 * Math.log10(sum / Math.max(1, pcm.length));
}

function twoTone(rate: number, seconds: number): Int16Array {
  return Int16Array.from({ length: rate * seconds }, (_, i) =>
    Math.round(6000 * Math.sin((2 * Math.PI * 440 * i) / rate) + 4000 * Math.sin((2 * Math.PI * 1000 * i) / rate)),
  );
}

t.test('round trip at every Opus rate: tones come back clean, speech-like audio at its level', async (t) => {
  for (const rate of RATES) {
    const frame = rate / 50;
    const maxDelay = Math.ceil(rate / 100);
    const encoder = new OpusEncoder(settings(rate));
    const decoder = new OpusDecoder(rate);
    const tones = twoTone(rate, 1);
    const tonePackets = encodeFrames(encoder, tones, frame);
    const back = decodeFrames(decoder, tonePackets, frame);
    const tone = alignedSnr(tones.subarray(frame * 10), back.subarray(frame * 10), maxDelay);
    t.ok(tone.snrDb > 10, `${rate} Hz two-tone: SNR ${tone.snrDb.toFixed(1)} dB at ${tone.delay} samples (codec delay)`);
    const speech = harmonicSpeech(rate, 2);
    const packets = encodeFrames(encoder, speech, frame);
    t.equal(packets.length, 100);
    t.ok(packets.every((p) => p.length > 10 && p.length < 200), `${rate} Hz: packet sizes ${Math.min(...packets.map((p) => p.length))}..${Math.max(...packets.map((p) => p.length))} bytes`);
    const decoded = decodeFrames(decoder, packets, frame);
    const level = levelDb(decoded.subarray(frame * 10)) - levelDb(speech.subarray(frame * 10));
    t.ok(Math.abs(level) < 1.5, `${rate} Hz speech-like: level within ${level.toFixed(2)} dB`);
    const { snrDb } = alignedSnr(speech.subarray(frame * 10), decoded.subarray(frame * 10), maxDelay);
    t.ok(snrDb > 3, `${rate} Hz speech-like: waveform SNR ${snrDb.toFixed(1)} dB (Opus is perceptual, not waveform-matching)`);
    encoder.close();
    decoder.close();
  }
});

t.test('ffmpeg’s libopus encodes, we decode: the same signal ffmpeg decodes', { skip: ffmpegMissing }, async (t) => {
  const pcm = speech48k();
  const bytes = new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength);
  const ogg = await ffmpeg(
    ['-f', 's16le', '-ar', '48000', '-ac', '1', '-i', 'pipe:0', '-c:a', 'libopus', '-application', 'voip', '-b:a', '32k', '-frame_duration', '20', '-f', 'opus', 'pipe:1'],
    bytes,
  );
  const file = readOggOpus(ogg);
  t.ok(file.packets.length >= 190, `${file.packets.length} packets from ffmpeg`);
  const reference = fromS16le(await ffmpeg(['-c:a', 'libopus', '-i', 'pipe:0', '-f', 's16le', '-ar', '48000', 'pipe:1'], ogg));
  const ours = decodeFrames(new OpusDecoder(48000), file.packets, 960).subarray(file.preSkip);
  const agreement = snr(reference.subarray(0, ours.length), ours);
  t.ok(agreement > 30, `our decoding vs ffmpeg's: ${agreement.toFixed(1)} dB apart (pre-skip ${file.preSkip})`);
  const fidelity = alignedSnr(pcm, ours, 10).snrDb;
  t.ok(fidelity > 5, `and both resemble the input: ${fidelity.toFixed(1)} dB`);
});

t.test('we encode, ffmpeg’s libopus decodes: the same signal we decode', { skip: ffmpegMissing }, async (t) => {
  const pcm = speech48k();
  const packets = encodeFrames(new OpusEncoder(settings(48000)), pcm, 960);
  const ogg = writeOggOpus(packets, { preSkip: 0, inputRate: 48000, packetSamples48k: 960 });
  const theirs = fromS16le(await ffmpeg(['-c:a', 'libopus', '-i', 'pipe:0', '-f', 's16le', '-ar', '48000', 'pipe:1'], ogg));
  const ours = decodeFrames(new OpusDecoder(48000), packets, 960);
  t.ok(Math.abs(theirs.length - ours.length) <= 960, `lengths ${theirs.length} and ${ours.length}`);
  const agreement = snr(ours.subarray(0, theirs.length), theirs);
  t.ok(agreement > 30, `ffmpeg's decoding vs ours: ${agreement.toFixed(1)} dB apart`);
});

t.test('in-band FEC rebuilds a dropped frame far better than PLC alone', async (t) => {
  const pcm = speech48k();
  const fmtp = { useinbandfec: '1' };
  const encoder = opus.createEncoder?.({ fmtp, ptime: 20 });
  if (!(encoder instanceof OpusEncoder)) throw new Error('opus descriptor builds OpusEncoder');
  t.equal(encoder.settings.fec, true, 'useinbandfec=1 from the far end turns FEC on');
  const packets = encodeFrames(encoder, pcm, 960);
  const clean = decodeFrames(new OpusDecoder(48000), packets, 960);
  const repair = (tool: 'fec' | 'plc'): { snrDb: number; calls: number } => {
    const decoder = new OpusDecoder(48000);
    const out = new Int16Array(960);
    let signal = 0;
    let noise = 0;
    let calls = 0;
    packets.forEach((packet, k) => {
      const lost = k % 10 === 5 && k + 1 < packets.length;
      if (!lost) {
        decoder.decode(packet, out);
        return;
      }
      const next = packets[k + 1] ?? new Uint8Array(0);
      t.equal(tool === 'fec' ? decoder.decodeFec(next, out, 960) : decoder.conceal(out, 960), 960);
      calls++;
      for (let i = 0; i < 960; i++) {
        const x = clean[k * 960 + i] ?? 0;
        signal += x * x;
        noise += (x - (out[i] ?? 0)) ** 2;
      }
    });
    return { snrDb: 10 * Math.log10(signal / noise), calls };
  };
  const fec = repair('fec');
  const plc = repair('plc');
  t.equal(fec.calls, 20);
  t.ok(fec.snrDb > 6, `FEC-rebuilt frames: ${fec.snrDb.toFixed(1)} dB against the undamaged decode`);
  t.ok(fec.snrDb > plc.snrDb + 6, `PLC alone: ${plc.snrDb.toFixed(1)} dB`);
});

t.test('FEC falls back to concealment where the next packet has no SILK layer or is too long', async (t) => {
  const decoder = new OpusDecoder(48000);
  const out = new Int16Array(1920);
  const encoder = new OpusEncoder(settings(48000, { useinbandfec: '1' }));
  const packets = encodeFrames(encoder, harmonicSpeech(48000, 0.2), 960);
  for (const packet of packets.slice(0, 5)) decoder.decode(packet, out);
  const celtOnly = Uint8Array.from([0xf8, 0xff, 0xfe]); // TOC config 31: CELT FB 20 ms
  t.equal(decoder.decodeFec(celtOnly, out, 960), 960, 'CELT-only next packet: concealed');
  t.equal(decoder.decodeFec(packets[6] ?? new Uint8Array(0), out, 1920), 1920, '40 ms hole: 20 ms PLC, then 20 ms FEC');
  t.equal(decoder.decodeFec(packets[7] ?? new Uint8Array(0), out, 480), 480, 'a hole shorter than the packet: concealed');
  t.equal(decoder.decodeFec(new Uint8Array(0), out, 960), 960, 'empty next packet: concealed');
  t.equal(decoder.decode(packets[8] ?? new Uint8Array(0), out), 960, 'decoding goes on');
});

t.test('PLC yields exactly one 20 ms frame per call, at every rate', async (t) => {
  for (const rate of RATES) {
    const frame = rate / 50;
    const decoder = new OpusDecoder(rate);
    const packets = encodeFrames(new OpusEncoder(settings(rate)), harmonicSpeech(rate, 0.4), frame);
    const out = new Int16Array(frame + 16).fill(12345);
    for (const packet of packets.slice(0, 10)) decoder.decode(packet, out);
    const before = out.slice(0, frame);
    out.fill(12345);
    for (let call = 0; call < 3; call++) t.equal(decoder.conceal(out, frame), frame, `${rate} Hz: call ${call + 1} gives ${frame} samples`);
    t.ok(out.subarray(frame).every((v) => v === 12345), `${rate} Hz: nothing written past the frame`);
    t.not(before.join(), out.subarray(0, frame).join(), 'concealment is not a copy of the last frame');
    t.equal(decoder.decode(packets[13] ?? new Uint8Array(0), out), frame, `${rate} Hz: decoding resumes after PLC`);
  }
});

t.test('fmtp shapes the encoder: bitrate cap, bandwidth, DTX, CBR', async (t) => {
  t.same(opusEncoderSettings({}, 48000), {
    sampleRate: 48000,
    bitrate: 32000,
    complexity: 5,
    dtx: false,
    fec: false,
    packetLossPercent: 0,
    cbr: false,
    maxBandwidth: 1105,
  });
  const capped = settings(16000, { maxaveragebitrate: '12000', maxplaybackrate: '16000', usedtx: '1', cbr: '1', useinbandfec: '1' }, { dtx: true });
  t.equal(capped.bitrate, 12000);
  t.equal(capped.maxBandwidth, 1103, 'maxplaybackrate 16000: wideband');
  t.ok(capped.dtx && capped.cbr && capped.fec && capped.packetLossPercent === 10);
  t.equal(opusEncoderSettings({ maxaveragebitrate: '999999999' }, 48000).bitrate, 32000, 'a cap above our default keeps the default');
  t.equal(opusEncoderSettings({ maxaveragebitrate: '100' }, 48000).bitrate, 6000, 'RFC 7587 floor of 6 kbit/s');
  t.equal(opusEncoderSettings({ maxaveragebitrate: 'lots' }, 48000).bitrate, 32000, 'garbage ignored');
  t.equal(opusEncoderSettings({ maxplaybackrate: '8000' }, 48000).maxBandwidth, 1101);

  const cbr = new OpusEncoder(settings(16000, { cbr: '1', maxaveragebitrate: '16000' }));
  const sizes = new Set(encodeFrames(cbr, harmonicSpeech(16000, 0.5), 320).map((p) => p.length));
  t.same([...sizes], [40], 'CBR 16 kbit/s: every 20 ms packet is 40 bytes');

  const dtx = new OpusEncoder(settings(16000, { usedtx: '1' }, { dtx: true }));
  const silence = encodeFrames(dtx, new Int16Array(320 * 50), 320);
  t.ok(silence.slice(20).filter((p) => p.length <= 2).length >= 20, 'DTX: silence becomes 1-2 byte packets');
  const noDtx = encodeFrames(new OpusEncoder(settings(16000)), new Int16Array(320 * 50), 320);
  t.ok(noDtx.slice(20).every((p) => p.length > 2), 'without DTX silence is still coded');
});

t.test('bad input never throws', async (t) => {
  const decoder = new OpusDecoder(16000);
  const out = new Int16Array(320);
  t.equal(decoder.decode(new Uint8Array(0), out), 0, 'empty payload');
  t.equal(decoder.decode(Uint8Array.from([0x4b, 0x41]), new Int16Array(0)), 0, 'no room');
  t.equal(decoder.decode(Uint8Array.from([0x03, 0x00]), out), 0, 'code 3 packet with no frame count is invalid');
  t.equal(decoder.decode(new Uint8Array(5000), out), 0, 'longer than any Opus packet');
  const encoder = new OpusEncoder(settings(16000));
  t.equal(encoder.encode(new Int16Array(123), new Uint8Array(400)), 0, 'illegal frame size');
  t.equal(encoder.encode(new Int16Array(320), new Uint8Array(1)), 0, 'output too small');
  encoder.close();
  encoder.close();
  t.equal(encoder.encode(new Int16Array(320), new Uint8Array(400)), 0, 'closed encoder encodes nothing');
  t.throws(() => new OpusDecoder(44100), { code: 'ERR_OPUS_ARGS' });
});
