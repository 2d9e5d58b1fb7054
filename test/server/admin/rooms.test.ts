import t from 'tap';
import { adminHarness, fakeCall } from './fixtures/harness.js';
import { MemoryRooms } from './fixtures/memory-rooms.js';

t.test('without a room directory every room route is 503', async (t) => {
  const { app, auth } = await adminHarness(t);
  for (const [method, url] of [
    ['GET', '/api/rooms'],
    ['GET', '/api/rooms/a'],
    ['GET', '/api/rooms/a/participants'],
    ['POST', '/api/rooms/a/lock'],
  ] as const) {
    const reply = await app.inject({ method, url, headers: auth });
    t.equal(reply.statusCode, 503, url);
    t.equal(reply.json().error.code, 'ERR_UNAVAILABLE');
  }
});

t.test('create, list, get, lock, unlock, close', async (t) => {
  const rooms = new MemoryRooms();
  const { app, auth } = await adminHarness(t, { rooms });
  const created = await app.inject({ method: 'POST', url: '/api/rooms', headers: auth, payload: { name: 'sales', sampleRate: 48000, pin: '1234', maxParticipants: 10 } });
  t.equal(created.statusCode, 201);
  t.match(created.json(), { name: 'sales', sampleRate: 48000, hasPin: true, maxParticipants: 10, locked: false, participants: 0 });
  t.notOk('pin' in created.json(), 'the PIN is not echoed');
  const again = await app.inject({ method: 'POST', url: '/api/rooms', headers: auth, payload: { name: 'sales' } });
  t.equal(again.statusCode, 409);
  t.equal(again.json().error.code, 'ERR_CONFLICT');
  const badName = await app.inject({ method: 'POST', url: '/api/rooms', headers: auth, payload: { name: '../etc' } });
  t.equal(badName.statusCode, 400);
  t.equal(badName.json().error.field, 'body.name');
  const noName = await app.inject({ method: 'POST', url: '/api/rooms', headers: auth, payload: { sampleRate: 16000 } });
  t.equal(noName.statusCode, 400);
  t.equal(noName.json().error.field, 'body.name');
  const badRate = await app.inject({ method: 'POST', url: '/api/rooms', headers: auth, payload: { name: 'x', sampleRate: 44100 } });
  t.equal(badRate.statusCode, 400);

  t.same((await app.inject({ url: '/api/rooms', headers: auth })).json().map((r: { name: string }) => r.name), ['sales']);
  const detail = await app.inject({ url: '/api/rooms/sales', headers: auth });
  t.equal(detail.statusCode, 200);
  t.same(detail.json().members, []);
  t.equal((await app.inject({ url: '/api/rooms/nope', headers: auth })).statusCode, 404);

  t.equal((await app.inject({ method: 'POST', url: '/api/rooms/sales/lock', headers: auth })).json().locked, true);
  t.equal(rooms.rooms.get('sales')?.summary.locked, true);
  t.equal((await app.inject({ method: 'POST', url: '/api/rooms/sales/unlock', headers: auth })).json().locked, false);
  t.equal((await app.inject({ method: 'POST', url: '/api/rooms/nope/lock', headers: auth })).statusCode, 404);

  t.equal((await app.inject({ method: 'DELETE', url: '/api/rooms/sales', headers: auth })).statusCode, 200);
  t.notOk(rooms.rooms.has('sales'));
  t.equal((await app.inject({ method: 'DELETE', url: '/api/rooms/sales', headers: auth })).statusCode, 404);
});

async function roomWithTwo(t: Parameters<typeof adminHarness>[0]) {
  const rooms = new MemoryRooms();
  const harness = await adminHarness(t, { rooms });
  await rooms.create('team', {});
  const records = ['p1', 'p2'].map((legId) => {
    const record = fakeCall(harness.calls, legId, { app: 'conference', roomId: 'team' });
    const live = harness.calls.get(legId);
    if (live) void rooms.join('team', live);
    return record;
  });
  return { ...harness, rooms, records };
}

t.test('participants: list, get, mute/unmute/deaf/undeaf, volume, 404s', async (t) => {
  const { app, auth, rooms } = await roomWithTwo(t);
  const base = '/api/rooms/team/participants';
  const list = (await app.inject({ url: base, headers: auth })).json();
  t.same(list.map((p: { id: string }) => p.id), ['p1', 'p2']);
  t.equal((await app.inject({ url: `${base}/p1`, headers: auth })).json().muted, false);
  t.equal((await app.inject({ url: `${base}/zz`, headers: auth })).statusCode, 404);

  const expectations = [
    ['mute', { muted: true }],
    ['unmute', { muted: false }],
    ['deaf', { deaf: true }],
    ['undeaf', { deaf: false }],
  ] as const;
  for (const [action, change] of expectations) {
    const reply = await app.inject({ method: 'POST', url: `${base}/p1/${action}`, headers: auth });
    t.equal(reply.statusCode, 200, action);
    t.match(reply.json(), change);
    t.match(rooms.rooms.get('team')?.members.get('p1'), change, `${action} reached the room`);
  }
  const volume = await app.inject({ method: 'PATCH', url: `${base}/p2`, headers: auth, payload: { volumeInDb: -6, volumeOutDb: 3 } });
  t.equal(volume.statusCode, 200);
  t.match(volume.json(), { volumeInDb: -6, volumeOutDb: 3 });
  const loud = await app.inject({ method: 'PATCH', url: `${base}/p2`, headers: auth, payload: { volumeInDb: 40 } });
  t.equal(loud.statusCode, 400);
  t.equal(loud.json().error.field, 'body.volumeInDb');
  t.equal((await app.inject({ method: 'PATCH', url: `${base}/p2`, headers: auth, payload: {} })).statusCode, 400, 'an empty change is refused');
  t.equal((await app.inject({ method: 'POST', url: `${base}/zz/mute`, headers: auth })).statusCode, 404);
  t.equal((await app.inject({ method: 'POST', url: '/api/rooms/other/participants/p1/mute', headers: auth })).statusCode, 404);
});

t.test('participants: voice set/clear and kick', async (t) => {
  const { app, auth, rooms, records } = await roomWithTwo(t);
  const base = '/api/rooms/team/participants';
  const set = await app.inject({ method: 'PUT', url: `${base}/p1/voice`, headers: auth, payload: { preset: 'anonymize' } });
  t.equal(set.statusCode, 200);
  t.equal(set.json().voice, 'anonymize');
  const clear = await app.inject({ method: 'DELETE', url: `${base}/p1/voice`, headers: auth });
  t.equal(clear.json().voice, null);
  t.equal((await app.inject({ method: 'PUT', url: `${base}/p1/voice`, headers: auth, payload: { preset: 'nope' } })).statusCode, 400);

  const kick = await app.inject({ method: 'DELETE', url: `${base}/p2`, headers: auth });
  t.equal(kick.statusCode, 200);
  t.same(rooms.kicked, ['p2']);
  t.same(records[1]?.hungUp, ['kicked'], 'the kicked participant\'s call was hung up');
  t.equal((await app.inject({ method: 'DELETE', url: `${base}/p2`, headers: auth })).statusCode, 404);
});

t.test('room recording and playback through the directory', async (t) => {
  const { app, auth, rooms } = await roomWithTwo(t);
  const started = await app.inject({ method: 'POST', url: '/api/recordings', headers: auth, payload: { room: 'team' } });
  t.equal(started.statusCode, 201);
  t.match(started.json(), { state: 'recording', room: 'team' });
  t.equal(rooms.recordings.length, 1);
  t.match(rooms.recordings[0]?.path, new RegExp(`${started.json().id}\\.wav$`));
  const listed = (await app.inject({ url: '/api/recordings', headers: auth })).json();
  t.equal(listed[0].id, started.json().id);
  t.equal((await app.inject({ method: 'POST', url: '/api/recordings', headers: auth, payload: { room: 'nope' } })).statusCode, 404);

  const play = await app.inject({ method: 'POST', url: '/api/rooms/team/play', headers: auth, payload: { path: '/nonexistent.wav' } });
  t.equal(play.statusCode, 404);
  const file = new URL('../../fixtures/audio/speech-male-16k.wav', import.meta.url).pathname;
  const ok = await app.inject({ method: 'POST', url: '/api/rooms/team/play', headers: auth, payload: { path: file, loop: true } });
  t.equal(ok.statusCode, 201);
  t.match(rooms.playbacks[0], { path: file, loop: true, playbackId: ok.json().playbackId });
});
