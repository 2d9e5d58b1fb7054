import t from 'tap';
import { mkdtemp, rm, chmod, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WavFileWriter } from '../../../media/recording/wav-writer.js';
import { parseWav } from '../../../test/helpers/wav.js';
import { generateTone } from '../../helpers/audio.js';

const dir = await mkdtemp(join(tmpdir(), 'vb-wav-writer-'));
t.teardown(() => rm(dir, { recursive: true, force: true }));

t.test('mono: 20 ms frames across several batches come back sample for sample', async (t) => {
  const path = join(dir, 'mono.wav');
  const tone = generateTone({ frequency: 440, dbfs: -6, sampleRate: 8000, durationMs: 1230 });
  const writer = new WavFileWriter(path, 8000, 1, { batchMs: 100 });
  for (let i = 0; i < tone.length; i += 160) writer.write(tone.subarray(i, Math.min(tone.length, i + 160)));
  const info = await writer.close();
  t.same({ ...info }, { path, sampleRate: 8000, channels: 1, durationMs: 1230, bytes: 44 + tone.length * 2, droppedFrames: 0 });
  const wav = parseWav(await readFile(path));
  t.equal(wav.sampleRate, 8000);
  t.equal(wav.channels, 1);
  t.same(Array.from(wav.samples), Array.from(tone));
  t.ok(writer.stats.batchesWritten >= 12, 'written in batches');
  t.equal(await writer.close(), info, 'close is idempotent');
});

t.test('stereo: left and right interleaved, null side is silence', async (t) => {
  const path = join(dir, 'stereo.wav');
  const writer = await WavFileWriter.create(path, 16000, 2, { batchMs: 30 });
  const left = generateTone({ frequency: 500, dbfs: -10, sampleRate: 16000, samples: 320 });
  const right = generateTone({ frequency: 900, dbfs: -10, sampleRate: 16000, samples: 320 });
  writer.writeStereo(left, right, 320);
  writer.writeStereo(left, null, 320);
  writer.writeSilence(320);
  const info = await writer.close();
  t.equal(info.durationMs, 60);
  const wav = parseWav(await readFile(path));
  t.equal(wav.channels, 2);
  t.equal(wav.samples.length, 3 * 320 * 2);
  t.equal(wav.samples[0], left[0]);
  t.equal(wav.samples[2 * 7], left[7]);
  t.equal(wav.samples[2 * 7 + 1], right[7]);
  t.equal(wav.samples[2 * (320 + 7)], left[7]);
  t.equal(wav.samples[2 * (320 + 7) + 1], 0);
  t.ok(wav.samples.subarray(2 * 640).every((s) => s === 0));
});

t.test('flush writes buffered audio before close; writes after close are dropped', async (t) => {
  const path = join(dir, 'flush.wav');
  const writer = new WavFileWriter(path, 8000, 1);
  writer.write(new Int16Array(160).fill(1000));
  await writer.flush();
  t.equal((await readFile(path)).length, 44 + 320, 'data on disk before close');
  const closing = writer.close();
  writer.write(new Int16Array(160));
  const info = await closing;
  t.equal(info.bytes, 44 + 320);
  t.equal(info.droppedFrames, 160);
});

t.test('an unwritable path rejects create() and close() reports the error', async (t) => {
  const path = join(dir, 'no-such-dir', 'x.wav');
  await t.rejects(WavFileWriter.create(path, 8000, 1), { code: 'ENOENT' });
  const writer = new WavFileWriter(path, 8000, 1);
  writer.write(new Int16Array(8000));
  const info = await writer.close();
  t.match(info.error, /ENOENT/);
  t.equal(info.bytes, 0);
  t.equal(info.durationMs, 0);
  t.equal(info.droppedFrames, 8000);
});

t.test('a read-only directory is refused', { skip: process.getuid?.() === 0 ? 'root can write anywhere' : false }, async (t) => {
  const ro = join(dir, 'ro');
  await import('node:fs/promises').then((fs) => fs.mkdir(ro));
  await chmod(ro, 0o500);
  await t.rejects(WavFileWriter.create(join(ro, 'x.wav'), 8000, 1), { code: 'EACCES' });
});

t.test('bad formats throw at construction', async (t) => {
  t.throws(() => new WavFileWriter(join(dir, 'x.wav'), 0, 1), RangeError);
  t.throws(() => new WavFileWriter(join(dir, 'x.wav'), 8000, 3), RangeError);
});
