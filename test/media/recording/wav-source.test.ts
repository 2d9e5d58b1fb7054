import t from 'tap';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadWavSource, WavSource } from '../../../media/recording/wav-source.js';
import { encodeWav, audioFixturePath } from '../../helpers/wav.js';
import { dominantFrequency, fitTone, generateTone, levelDbfs } from '../../helpers/audio.js';

const dir = await mkdtemp(join(tmpdir(), 'vb-wav-source-'));
t.teardown(() => rm(dir, { recursive: true, force: true }));

async function writeTone(name: string, sampleRate: number, channels: number, durationMs: number, frequency = 1000): Promise<string> {
  const mono = generateTone({ frequency, dbfs: -12, sampleRate, durationMs });
  const samples = new Int16Array(mono.length * channels);
  for (let i = 0; i < mono.length; i++) for (let c = 0; c < channels; c++) samples[i * channels + c] = mono[i] ?? 0;
  const path = join(dir, name);
  await writeFile(path, encodeWav({ sampleRate, channels, samples }));
  return path;
}

function readAll(source: WavSource, maxFrames = 10_000): Int16Array {
  const frame = new Int16Array(source.frameSamples);
  const out: number[] = [];
  for (let i = 0; i < maxFrames && source.read(frame); i++) out.push(...frame);
  return Int16Array.from(out);
}

t.test('same rate: frames are the file, the last one padded with silence', async (t) => {
  const path = await writeTone('8k.wav', 8000, 1, 1010);
  const source = await loadWavSource(path, 8000);
  t.equal(source.frameSamples, 160);
  const pcm = readAll(source);
  t.equal(pcm.length, 160 * 51);
  t.ok(source.ended);
  t.same(Array.from(pcm.subarray(0, 8080)), Array.from(generateTone({ frequency: 1000, dbfs: -12, sampleRate: 8000, durationMs: 1010 })));
  t.ok(pcm.subarray(8080).every((s) => s === 0));
  const frame = new Int16Array(160).fill(7);
  t.equal(source.read(frame), false, 'ended source reads nothing');
  t.equal(frame[0], 7, 'and leaves the frame alone');
});

const conversions: ReadonlyArray<readonly [number, number, number]> = [
  [8000, 48000, 1],
  [48000, 8000, 2],
  [44100, 16000, 2],
  [22050, 8000, 1],
];
for (const [fileRate, legRate, channels] of conversions) {
  t.test(`${fileRate} Hz ${channels}ch → ${legRate} Hz keeps a 1 kHz tone clean, level and length`, async (t) => {
    const path = await writeTone(`${fileRate}-${channels}.wav`, fileRate, channels, 500);
    const source = await loadWavSource(path, legRate);
    t.equal(source.samples.length, legRate / 2);
    const middle = source.samples.subarray(legRate / 10, legRate / 2 - legRate / 10);
    t.ok(Math.abs(dominantFrequency(middle, legRate) - 1000) < 5, 'frequency');
    t.ok(Math.abs(levelDbfs(middle) + 12) < 0.3, `level ${levelDbfs(middle).toFixed(2)} dBFS`);
    const snr = fitTone(middle, 1000, legRate).snrDb;
    t.ok(snr > 45, `SNR ${snr.toFixed(1)} dB`);
  });
}

t.test('resampling keeps timing: an onset stays where it was', async (t) => {
  const samples = new Int16Array(16000);
  samples.set(generateTone({ frequency: 500, dbfs: -6, sampleRate: 16000, samples: 8000 }), 8000);
  const path = join(dir, 'onset.wav');
  await writeFile(path, encodeWav({ sampleRate: 16000, channels: 1, samples }));
  const source = await loadWavSource(path, 8000);
  const onset = source.samples.findIndex((s) => Math.abs(s) > 2000);
  t.ok(Math.abs(onset - 4000) <= 4, `onset at ${onset}, expected ~4000`);
});

t.test('loop: wraps to the start and never ends; mixInto adds with saturation', async (t) => {
  const source = new WavSource(Int16Array.from([1, 2, 3]), 8000, { loop: true, frameMs: 1 });
  const frame = new Int16Array(8);
  t.ok(source.read(frame));
  t.same(Array.from(frame), [1, 2, 3, 1, 2, 3, 1, 2]);
  t.notOk(source.ended);
  const loud = new WavSource(Int16Array.from([30000, -30000]), 8000);
  const target = Int16Array.from([10000, -10000, 5]);
  t.ok(loud.mixInto(target));
  t.same(Array.from(target), [32767, -32768, 5]);
  t.ok(loud.ended);
  loud.rewind();
  t.notOk(loud.ended);
});

t.test('a speech fixture loads at 8 kHz', async (t) => {
  const source = await loadWavSource(audioFixturePath('speech-male-16k.wav'), 8000, { loop: false });
  t.ok(source.durationMs > 1000);
  t.ok(levelDbfs(source.samples) > -40);
});

t.test('bad files are MediaError ERR_INVALID_ARGS with the reason', async (t) => {
  await t.rejects(loadWavSource(join(dir, 'missing.wav'), 8000), { code: 'ERR_INVALID_ARGS', message: /missing\.wav: no such file/ });
  await t.rejects(loadWavSource(dir, 8000), { code: 'ERR_INVALID_ARGS', message: /not a regular file/ });
  const text = join(dir, 'text.wav');
  await writeFile(text, 'hello, this is not audio');
  await t.rejects(loadWavSource(text, 8000), { code: 'ERR_INVALID_ARGS', message: /not a RIFF\/WAVE file/ });
  const float = encodeWav({ sampleRate: 8000, channels: 1, samples: new Int16Array(10) });
  new DataView(float.buffer).setUint16(34, 32, true);
  const floatPath = join(dir, 'float.wav');
  await writeFile(floatPath, float);
  await t.rejects(loadWavSource(floatPath, 8000), { code: 'ERR_INVALID_ARGS', message: /16-bit PCM only/ });
  const empty = join(dir, 'empty.wav');
  await writeFile(empty, encodeWav({ sampleRate: 8000, channels: 1, samples: new Int16Array(0) }));
  await t.rejects(loadWavSource(empty, 8000), { code: 'ERR_INVALID_ARGS', message: /no audio/ });
});
