/**
 * End to end through voxbridge's echo app in wideband codecs: the test
 * client offers only G.722 (or only Opus), streams a tone encoded with our
 * codec (each codec is graded against ffmpeg in test/codecs), and checks what
 * comes back after the server decoded, jitter-buffered and re-encoded it.
 */
import t, { type Test } from 'tap';
import { G722Decoder, G722Encoder, OpusDecoder, OpusEncoder, opusEncoderSettings, type AudioDecoder, type AudioEncoder } from '../../codecs/index.js';
import { dominantFrequency, fitTone, generateTone, goertzelPower, levelDbfs, powerToDbfs, steadyPart } from '../helpers/audio.js';
import { SipTestClient, type SipTestCall } from '../helpers/sip-test-client.js';
import { startServerUnderTest } from './voxbridge-under-test.js';

interface WidebandCase {
  /** What the client offers (its rtpmap). */
  readonly offer: string;
  /** Encoding name in the answer, as the client upper-cases it. */
  readonly answered: string;
  readonly sampleRate: number;
  /** RTP timestamp units per 20 ms packet. */
  readonly timestampStep: number;
  readonly encoder: () => AudioEncoder;
  readonly decoder: () => AudioDecoder;
}

async function call(t: Test, codec: WidebandCase): Promise<SipTestCall> {
  const { udp } = await startServerUnderTest(t);
  const client = await SipTestClient.create({ server: udp });
  t.teardown(() => client.close());
  const placed = await client.invite('echo', { codecs: [codec.offer], ptime: 20 });
  t.equal(placed.status, 200, 'echo answers');
  t.equal(placed.remoteMedia?.codec, codec.answered, `answer chooses ${codec.answered}`);
  return placed;
}

/** Encodes `pcm` into 20 ms payloads with a fresh encoder. */
function packets(codec: WidebandCase, pcm: Int16Array): Uint8Array[] {
  const encoder = codec.encoder();
  const frame = codec.sampleRate / 50;
  const out: Uint8Array[] = [];
  const buffer = new Uint8Array(1500);
  for (let at = 0; at + frame <= pcm.length; at += frame) out.push(buffer.slice(0, encoder.encode(pcm.subarray(at, at + frame), buffer)));
  encoder.close?.();
  return out;
}

/** Streams 1 s of `pcm`, waits for most of the echo and decodes it with one decoder (its state runs across packets). */
async function echo(t: Test, placed: SipTestCall, codec: WidebandCase, pcm: Int16Array): Promise<Int16Array> {
  const payloadType = placed.remoteMedia?.payloadType ?? -1;
  const sent = await placed.rtp.sendPayloads(packets(codec, pcm), { payloadType, ptime: 20, timestampStep: codec.timestampStep });
  t.equal(sent, 50);
  await placed.waitForRtp(45);
  const { packets: received, payloads } = placed.received();
  t.ok(received.every((p) => p.payloadType === payloadType), 'echo uses the negotiated payload type');
  const decoder = codec.decoder();
  const frame = new Int16Array(5760);
  const chunks = payloads.map((payload) => frame.slice(0, decoder.decode(payload, frame)));
  decoder.close?.();
  const out = new Int16Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

const G722_CASE: WidebandCase = {
  offer: 'G722',
  answered: 'G722',
  sampleRate: 16000,
  timestampStep: 160, // G.722's RTP clock is 8000 Hz although it carries 16 kHz audio
  encoder: () => new G722Encoder(),
  decoder: () => new G722Decoder(),
};

const OPUS_CASE: WidebandCase = {
  offer: 'opus/48000/2',
  answered: 'OPUS',
  sampleRate: 48000,
  timestampStep: 960,
  encoder: () => new OpusEncoder(opusEncoderSettings({}, 48000)),
  decoder: () => new OpusDecoder(48000),
};

t.test('G.722: a 1 kHz + 6 kHz tone pair comes back at its frequencies and levels', async (t) => {
  const placed = await call(t, G722_CASE);
  const low = generateTone({ frequency: 1000, dbfs: -12, durationMs: 1000, sampleRate: 16000 });
  const high = generateTone({ frequency: 6000, dbfs: -18, durationMs: 1000, sampleRate: 16000 });
  const pcm = low.map((x, i) => x + (high[i] ?? 0));
  const back = steadyPart(await echo(t, placed, G722_CASE, pcm), 16000, 100);
  t.ok(back.length >= 16000 * 0.6, `at least 600 ms of steady echo (${back.length} samples)`);
  const frequency = dominantFrequency(back, 16000, { maxHz: 4000 });
  t.ok(Math.abs(frequency - 1000) <= 20, `echoed low tone at ${frequency.toFixed(1)} Hz`);
  const lowDb = powerToDbfs(goertzelPower(back, 1000, 16000));
  const highDb = powerToDbfs(goertzelPower(back, 6000, 16000));
  t.ok(Math.abs(lowDb - -12) <= 1, `1 kHz at ${lowDb.toFixed(2)} dBFS`);
  t.ok(Math.abs(highDb - -18) <= 2, `6 kHz (above any narrowband codec) at ${highDb.toFixed(2)} dBFS`);
  t.equal((await placed.hangup()).status, 200, 'BYE answered 200');
});

t.test('Opus: a 1 kHz tone comes back at 1 kHz and its level', async (t) => {
  const placed = await call(t, OPUS_CASE);
  const pcm = generateTone({ frequency: 1000, dbfs: -10, durationMs: 1000, sampleRate: 48000 });
  const back = steadyPart(await echo(t, placed, OPUS_CASE, pcm), 48000, 100);
  t.ok(back.length >= 48000 * 0.6, `at least 600 ms of steady echo (${back.length} samples)`);
  const frequency = dominantFrequency(back.subarray(0, 9600), 48000, { maxHz: 4000 });
  t.ok(Math.abs(frequency - 1000) <= 20, `echoed frequency ${frequency.toFixed(1)} Hz`);
  const level = levelDbfs(back);
  t.ok(Math.abs(level - -10) <= 1.5, `echoed level ${level.toFixed(2)} dBFS`);
  const snr = fitTone(back, 1000, 48000).snrDb;
  t.ok(snr > 10, `two Opus generations keep the tone clean: SNR ${snr.toFixed(1)} dB`);
  t.equal((await placed.hangup()).status, 200, 'BYE answered 200');
});
