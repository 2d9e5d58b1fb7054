import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { adminHarness, fakeCall } from './fixtures/harness.js';

t.test('start needs exactly one target; unknown call 404', async (t) => {
  const { app, auth } = await adminHarness(t);
  const both = await app.inject({ method: 'POST', url: '/api/recordings', headers: auth, payload: { room: 'a', call: 'b' } });
  t.equal(both.statusCode, 400);
  t.match(both.json().error.message, /exactly one/);
  t.equal((await app.inject({ method: 'POST', url: '/api/recordings', headers: auth, payload: {} })).statusCode, 400);
  t.equal((await app.inject({ method: 'POST', url: '/api/recordings', headers: auth, payload: { call: 'nope' } })).statusCode, 404);
  t.equal((await app.inject({ method: 'POST', url: '/api/recordings', headers: auth, payload: { room: 'a' } })).statusCode, 503, 'no rooms here');
  const direction = await app.inject({ method: 'POST', url: '/api/recordings', headers: auth, payload: { call: 'x', direction: 'sideways' } });
  t.equal(direction.statusCode, 400);
});

t.test('leg recording goes to the engine (error mapped when the leg has no media)', async (t) => {
  const { app, calls, auth } = await adminHarness(t);
  fakeCall(calls, 'leg-r');
  const reply = await app.inject({ method: 'POST', url: '/api/recordings', headers: auth, payload: { call: 'leg-r', direction: 'in' } });
  // The fake call has no engine leg: "no such leg" (or "not available" before the recording area lands).
  t.ok([404, 503].includes(reply.statusCode), `mapped (${reply.statusCode})`);
  t.same((await app.inject({ url: '/api/recordings', headers: auth })).json(), [], 'a failed start leaves nothing behind');
});

t.test('list and download files; stop and ids checked', async (t) => {
  const { app, auth, config } = await adminHarness(t);
  const dir = config.admin.recordingsDir;
  mkdirSync(dir, { recursive: true });
  const wav = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(40)]);
  writeFileSync(join(dir, 'old-one.wav'), wav);
  writeFileSync(join(dir, 'notes.txt'), 'ignored');
  const list = (await app.inject({ url: '/api/recordings', headers: auth })).json();
  t.same(list.map((r: { id: string }) => r.id), ['old-one']);
  t.match(list[0], { state: 'done', bytes: wav.length });
  const download = await app.inject({ url: '/api/recordings/old-one/download', headers: auth });
  t.equal(download.statusCode, 200);
  t.equal(download.headers['content-type'], 'audio/wav');
  t.match(String(download.headers['content-disposition']), /old-one\.wav/);
  t.same(download.rawPayload, wav);
  t.equal((await app.inject({ url: '/api/recordings/nope/download', headers: auth })).statusCode, 404);
  const traversal = await app.inject({ url: '/api/recordings/..%2F..%2Fetc%2Fpasswd/download', headers: auth });
  t.equal(traversal.statusCode, 400, 'path-like ids are refused');
  t.equal((await app.inject({ method: 'POST', url: '/api/recordings/nope/stop', headers: auth })).statusCode, 404);
  t.equal((await app.inject({ method: 'DELETE', url: '/api/playbacks/nope', headers: auth })).statusCode, 404);
});
