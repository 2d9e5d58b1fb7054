import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { encodeWav, readWav } from '../../helpers/wav.js';
import { goertzelPower, powerToDbfs } from '../../helpers/audio.js';
import { CODECS, LEVEL_ROOM, conference } from './room-harness.js';

const PORTS = '48280-48319';

function tempDir(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'voxbridge-room-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

t.test('room.play: everyone hears the file; it ends with playback.done', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'prompt.wav');
  // 300 ms of 2 kHz at 16 kHz: resampled to the 8 kHz room on load.
  const samples = Int16Array.from({ length: 4800 }, (_, i) => Math.round(3277 * Math.sin((2 * Math.PI * 2000 * i) / 16000)));
  writeFileSync(path, encodeWav({ sampleRate: 16000, channels: 1, samples }));
  const rig = await conference(t, PORTS, { ...LEVEL_ROOM, sampleRate: 8000 }, [
    { codec: CODECS.PCMU, tone: { frequency: 500, dbfs: -20 } },
    { codec: CODECS.PCMU, tone: null },
  ]);
  await rig.step(5);
  await rig.h.engine.request('room.play', { roomId: 'room-1', playbackId: 'p1', path });
  const start = rig.ends.map((e) => e.packets().length);
  await rig.step(12);
  await rig.drain();
  for (const [i, end] of rig.ends.entries()) {
    const level = end.toneDb(2000, (start[i] ?? 0) + 4);
    t.ok(Math.abs(level + 20) < 2, `${end.legId} hears the prompt at −20 dBFS (${level.toFixed(1)})`);
  }
  await rig.step(15);
  const done = await rig.h.event('playback.done');
  t.same(done, { type: 'playback.done', playbackId: 'p1', reason: 'ended' });
  await t.rejects(rig.h.engine.request('room.play', { roomId: 'room-1', playbackId: 'p2', path: join(dir, 'missing.wav') }), { code: 'ERR_INVALID_ARGS' });
});

t.test('room.record writes the mix and each participant; room.close finishes it', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'mix.wav');
  const rig = await conference(t, PORTS, { ...LEVEL_ROOM, sampleRate: 16000 }, [
    { codec: CODECS.PCMU, tone: { frequency: 500, dbfs: -20 } },
    { codec: CODECS.G722, tone: { frequency: 1200, dbfs: -20 } },
  ]);
  await rig.h.engine.request('room.record', { roomId: 'room-1', recordingId: 'r1', path, perParticipantDir: dir });
  t.equal((await rig.h.engine.request('room.stats', { roomId: 'room-1' })).recording, true);
  await t.rejects(rig.h.engine.request('room.record', { roomId: 'room-1', recordingId: 'r2', path }), { code: 'ERR_INVALID_ARGS' }, 'one recording per room');
  await rig.step(50);
  await rig.h.engine.request('room.close', { roomId: 'room-1' });
  const done = await rig.h.event('recording.done');
  t.equal(done.recordingId, 'r1');
  t.equal(done.path, path);
  t.ok(done.durationMs >= 980 && done.durationMs <= 1000, `about 1 s recorded (${done.durationMs} ms)`);
  const mix = readWav(path);
  t.equal(mix.sampleRate, 16000);
  const tail = mix.samples.subarray(mix.samples.length / 2);
  t.ok(Math.abs(powerToDbfs(goertzelPower(tail, 500, 16000)) + 20) < 1.5, 'the mix holds the 500 Hz talker');
  t.ok(Math.abs(powerToDbfs(goertzelPower(tail, 1200, 16000)) + 20) < 1.5, 'and the 1200 Hz one');
  const files = readdirSync(dir).filter((f) => f.startsWith('r1-')).sort();
  t.same(files, ['r1-leg-0.wav', 'r1-leg-1.wav'], 'one file per participant');
  const own = readWav(join(dir, 'r1-leg-1.wav'));
  t.equal(own.sampleRate, 16000, 'at the leg rate');
  const ownTail = own.samples.subarray(own.samples.length / 2);
  t.ok(powerToDbfs(goertzelPower(ownTail, 500, 16000)) < -50, 'a participant file holds only that participant');
  t.ok(Math.abs(powerToDbfs(goertzelPower(ownTail, 1200, 16000)) + 20) < 1.5, '… its own voice');
  const closed = await rig.h.event('room.closed');
  t.equal(closed.roomId, 'room-1');
  t.equal(rig.h.events.filter((e) => e.type === 'room.left').length, 2, 'room.close detaches everyone');
  await t.rejects(rig.h.engine.request('room.stats', { roomId: 'room-1' }), { code: 'ERR_INVALID_ARGS' });
});

t.test('a closing leg leaves its room; leave and join move a leg between rooms', async (t) => {
  const rig = await conference(t, PORTS, { ...LEVEL_ROOM, sampleRate: 8000, joinLeaveTones: true }, [
    { codec: CODECS.PCMU, tone: { frequency: 500, dbfs: -20 } },
    { codec: CODECS.PCMU, tone: null },
    { codec: CODECS.PCMU, tone: null },
  ]);
  const joined = rig.h.events.filter((e) => e.type === 'room.joined').map((e) => (e.type === 'room.joined' ? e.count : 0));
  t.same(joined, [1, 2, 3], 'room.joined with the count');
  await rig.step(3);
  await rig.h.engine.request('leg.close', { legId: 'leg-0' });
  const left = await rig.h.event('room.left');
  t.same(left, { type: 'room.left', roomId: 'room-1', legId: 'leg-0', count: 2 });
  await rig.h.engine.request('room.create', { roomId: 'room-2', options: LEVEL_ROOM });
  const state = await rig.h.engine.request('room.join', { roomId: 'room-2', legId: 'leg-1', settings: { muted: true } });
  t.equal(state.muted, true);
  const one = await rig.h.engine.request('room.stats', { roomId: 'room-1' });
  t.same(one.participants.map((p) => p.legId), ['leg-2'], 'joining another room leaves the first');
  await rig.h.engine.request('room.leave', { roomId: 'room-2', legId: 'leg-1' });
  t.equal((await rig.h.engine.request('room.stats', { roomId: 'room-2' })).participants.length, 0);
  // Join/leave tones: the remaining listener hears the cues (523/784 Hz).
  const end = rig.ends[2];
  if (end === undefined) throw new Error('leg-2');
  const before = end.packets().length;
  rig.ends.splice(0, 2);
  await rig.step(12);
  await rig.drain();
  t.ok(end.toneDb(784, before) > -45, `leave cue heard (${end.toneDb(784, before).toFixed(1)} dBFS)`);
  await t.rejects(rig.h.engine.request('room.create', { roomId: 'room-2', options: LEVEL_ROOM }), { code: 'ERR_INVALID_ARGS' }, 'duplicate room');
  await t.rejects(rig.h.engine.request('room.create', { roomId: 'room-3', options: { ...LEVEL_ROOM, sampleRate: 44100 as 48000 } }), { code: 'ERR_INVALID_ARGS' });
  await rig.h.engine.request('room.close', { roomId: 'room-2' });
  await rig.h.engine.request('room.close', { roomId: 'room-2' });
  t.pass('room.close is idempotent');
});
