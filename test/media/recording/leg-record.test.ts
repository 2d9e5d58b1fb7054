/** leg.record / recording.stop / leg.play / playback.stop through the engine, with a PCMU far end on loopback. */
import t from 'tap';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dominantFrequency, fitTone, generateTone, levelDbfs } from '../../helpers/audio.js';
import { encodeWav, readWav } from '../../helpers/wav.js';
import { harness, pcmuParams, peer } from '../helpers/engine-harness.js';
import { receivedPcmu, sendPcmu } from './helpers/pcmu-peer.js';

const PORTS = '46640-46679';
const dir = await mkdtemp(join(tmpdir(), 'vb-leg-record-'));
t.teardown(() => rm(dir, { recursive: true, force: true }));

async function toneFile(name: string, frequency: number, durationMs: number, sampleRate = 8000): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, encodeWav({ sampleRate, channels: 1, samples: generateTone({ frequency, dbfs: -12, sampleRate, durationMs }) }));
  return path;
}

/** The part of `pcm` louder than -40 dBFS per 20 ms, less 100 ms at each end (jitter-buffer onsets and fades). */
function active(pcm: Int16Array, frame = 160, trim = 800): Int16Array {
  let first = -1;
  let last = -1;
  for (let i = 0; i + frame <= pcm.length; i += frame) {
    if (levelDbfs(pcm.subarray(i, i + frame)) > -40) {
      if (first < 0) first = i;
      last = i + frame;
    }
  }
  return first < 0 || last - first <= 2 * trim ? new Int16Array(0) : pcm.subarray(first + trim, last - trim);
}

t.test('record in: the file holds what the far end sent', async (t) => {
  const h = harness(t, PORTS);
  const far = await peer(t);
  const local = await h.engine.request('leg.create', { legId: 'in', callId: 'c', advertiseAddress: '127.0.0.1' });
  await h.engine.request('leg.update', { legId: 'in', params: pcmuParams(far.port) });
  const path = join(dir, 'in.wav');
  await h.engine.request('leg.record', { legId: 'in', recordingId: 'r-in', path, direction: 'in' });
  await sendPcmu(h, far, 'in', local.rtpPort, generateTone({ frequency: 1000, dbfs: -10, sampleRate: 8000, durationMs: 1000 }));
  const info = await h.engine.request('recording.stop', { recordingId: 'r-in' });
  t.equal(info.recordingId, 'r-in');
  t.equal(info.path, path);
  t.equal(info.durationMs, 1200, 'one frame per tick: 1000 ms of tone and the 200 ms tail');
  t.equal(info.bytes, 44 + 2 * 8 * 1200);
  const done = await h.event('recording.done');
  t.same(done, { type: 'recording.done', ...info });
  const wav = readWav(path);
  t.same([wav.sampleRate, wav.channels], [8000, 1]);
  const tone = active(wav.samples);
  t.ok(tone.length >= 8 * 750, `${tone.length / 8} ms of tone`);
  const snr = fitTone(tone, 1000, 8000).snrDb;
  t.ok(snr > 30, `SNR ${snr.toFixed(1)} dB (G.711 alone allows ~38 or more)`);
  t.ok(Math.abs(levelDbfs(tone) + 10) < 0.5, 'level kept');
  await t.rejects(h.engine.request('recording.stop', { recordingId: 'r-in' }), { code: 'ERR_INVALID_ARGS', message: /no recording/ });
});

t.test('play replace reaches the far end; record both: left what came in, right what went out', async (t) => {
  const h = harness(t, PORTS);
  const far = await peer(t);
  const local = await h.engine.request('leg.create', { legId: 'pb', callId: 'c', advertiseAddress: '127.0.0.1' });
  await h.engine.request('leg.update', { legId: 'pb', params: pcmuParams(far.port) });
  const path = join(dir, 'both.wav');
  await h.engine.request('leg.record', { legId: 'pb', recordingId: 'r-both', path, direction: 'both' });
  // A 16 kHz prompt, resampled to the leg's 8 kHz.
  await h.engine.request('leg.play', { legId: 'pb', playbackId: 'p1', path: await toneFile('prompt.wav', 440, 600, 16000) });
  await sendPcmu(h, far, 'pb', local.rtpPort, generateTone({ frequency: 1000, dbfs: -10, sampleRate: 8000, durationMs: 800 }));
  const done = await h.event('playback.done');
  t.same(done, { type: 'playback.done', playbackId: 'p1', reason: 'ended' });
  await h.engine.request('recording.stop', { recordingId: 'r-both' });
  const heard = active(receivedPcmu(far));
  t.ok(Math.abs(heard.length / 8 - 400) <= 40, `the far end heard ${heard.length / 8 + 200} ms of prompt`);
  t.ok(Math.abs(dominantFrequency(heard, 8000) - 440) < 5, 'at 440 Hz');
  t.ok(fitTone(heard, 440, 8000).snrDb > 30, 'cleanly');
  const wav = readWav(path);
  t.equal(wav.channels, 2);
  const left = new Int16Array(wav.samples.length / 2);
  const right = new Int16Array(wav.samples.length / 2);
  for (let i = 0; i < left.length; i++) {
    left[i] = wav.samples[2 * i] ?? 0;
    right[i] = wav.samples[2 * i + 1] ?? 0;
  }
  t.ok(Math.abs(dominantFrequency(active(left), 8000) - 1000) < 5, 'left: the far end\'s 1 kHz');
  t.ok(Math.abs(dominantFrequency(active(right), 8000) - 440) < 5, 'right: the 440 Hz prompt we sent');
  t.ok(fitTone(active(right), 440, 8000).snrDb > 40, 'right channel is the prompt before encoding');
});

t.test('loop keeps playing until playback.stop; mix adds the prompt to the app audio', async (t) => {
  const h = harness(t, PORTS);
  const far = await peer(t);
  const local = await h.engine.request('leg.create', { legId: 'mx', callId: 'c', advertiseAddress: '127.0.0.1' });
  await h.engine.request('leg.update', { legId: 'mx', params: pcmuParams(far.port) });
  await h.engine.request('leg.attach', { legId: 'mx', app: { kind: 'echo' } });
  await h.engine.request('leg.play', { legId: 'mx', playbackId: 'm', path: await toneFile('short.wav', 440, 100), loop: true, mode: 'mix' });
  await sendPcmu(h, far, 'mx', local.rtpPort, generateTone({ frequency: 1000, dbfs: -12, sampleRate: 8000, durationMs: 600 }));
  t.notOk(h.events.some((e) => e.type === 'playback.done'), 'a looping 100 ms file is still playing after 800 ms');
  await h.engine.request('playback.stop', { playbackId: 'm' });
  t.same(await h.event('playback.done'), { type: 'playback.done', playbackId: 'm', reason: 'stopped' });
  const heard = receivedPcmu(far);
  const middle = heard.subarray(8 * 200, 8 * 500);
  t.ok(fitTone(middle, 440, 8000).tonePower > 1e5, 'the prompt is in the mix');
  t.ok(fitTone(middle, 1000, 8000).tonePower > 1e5, 'and so is the echoed 1 kHz');
  await t.rejects(h.engine.request('playback.stop', { playbackId: 'm' }), { code: 'ERR_INVALID_ARGS' });
});

t.test('errors: bad paths, formats, ids and arguments; a closing leg finishes its recordings', async (t) => {
  const h = harness(t, PORTS);
  const far = await peer(t);
  await h.engine.request('leg.create', { legId: 'e', callId: 'c', advertiseAddress: '127.0.0.1' });
  await t.rejects(h.engine.request('leg.record', { legId: 'e', recordingId: 'x', path: join(dir, 'x.wav'), direction: 'in' }), { code: 'ERR_INVALID_ARGS', message: /no media parameters/ });
  await h.engine.request('leg.update', { legId: 'e', params: pcmuParams(far.port) });
  await t.rejects(h.engine.request('leg.record', { legId: 'e', recordingId: 'x', path: join(dir, 'nodir', 'x.wav'), direction: 'in' }), { code: 'ERR_INVALID_ARGS', message: /cannot write .*ENOENT/ });
  await t.rejects(h.engine.request('leg.record', { legId: 'e', recordingId: 'x', path: join(dir, 'x.wav'), direction: 'sideways' as 'in' }), { code: 'ERR_INVALID_ARGS', message: /direction/ });
  await t.rejects(h.engine.request('leg.play', { legId: 'e', playbackId: 'p', path: join(dir, 'missing.wav') }), { code: 'ERR_INVALID_ARGS', message: /missing\.wav: no such file/ });
  const notWav = join(dir, 'not.wav');
  await writeFile(notWav, 'text');
  await t.rejects(h.engine.request('leg.play', { legId: 'e', playbackId: 'p', path: notWav }), { code: 'ERR_INVALID_ARGS', message: /not a RIFF\/WAVE/ });
  await t.rejects(h.engine.request('leg.play', { legId: 'e', playbackId: 'p', path: notWav, mode: 'loud' as 'mix' }), { code: 'ERR_INVALID_ARGS', message: /mode/ });

  await h.engine.request('leg.record', { legId: 'e', recordingId: 'a', path: join(dir, 'a.wav'), direction: 'out' });
  await t.rejects(h.engine.request('leg.record', { legId: 'e', recordingId: 'a', path: join(dir, 'b.wav'), direction: 'in' }), { code: 'ERR_INVALID_ARGS', message: /already exists/ });
  await h.engine.request('leg.play', { legId: 'e', playbackId: 'long', path: await toneFile('long.wav', 300, 5000) });
  h.clock.advance(400);
  await h.engine.request('leg.close', { legId: 'e' });
  const done = await h.event('recording.done');
  t.equal(done.recordingId, 'a');
  t.equal(done.durationMs, 400);
  t.equal(done.error, undefined);
  t.same(await h.event('playback.done'), { type: 'playback.done', playbackId: 'long', reason: 'stopped' });
  const wav = readWav(join(dir, 'a.wav'));
  t.ok(Math.abs(dominantFrequency(active(wav.samples), 8000) - 300) < 5, 'the out recording holds the prompt');
});
