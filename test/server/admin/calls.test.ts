import t from 'tap';
import { adminHarness, fakeCall } from './fixtures/harness.js';

t.test('list, get by leg id or SIP Call-ID, hang up', async (t) => {
  const { app, calls, auth } = await adminHarness(t);
  t.same((await app.inject({ url: '/api/calls', headers: auth })).json(), []);
  const record = fakeCall(calls, 'leg-1');
  const list = (await app.inject({ url: '/api/calls', headers: auth })).json();
  t.equal(list.length, 1);
  t.match(list[0], { id: 'leg-1', callId: 'call-leg-1', app: 'echo', roomId: null, stats: null });
  t.equal((await app.inject({ url: '/api/calls/leg-1', headers: auth })).json().id, 'leg-1');
  t.equal((await app.inject({ url: '/api/calls/call-leg-1', headers: auth })).json().id, 'leg-1', 'by SIP Call-ID');
  const hangup = await app.inject({ method: 'DELETE', url: '/api/calls/leg-1', headers: auth });
  t.equal(hangup.statusCode, 200);
  t.same(record.hungUp, ['ended by the admin API']);
  t.equal(calls.size, 0);
});

t.test('unknown calls are 404 with a stable code', async (t) => {
  const { app, auth } = await adminHarness(t);
  for (const [method, url] of [
    ['GET', '/api/calls/nope'],
    ['DELETE', '/api/calls/nope'],
    ['DELETE', '/api/calls/nope/voice'],
  ] as const) {
    const reply = await app.inject({ method, url, headers: auth });
    t.equal(reply.statusCode, 404, `${method} ${url}`);
    t.same(reply.json(), { error: { code: 'ERR_NOT_FOUND', message: 'no call "nope"' } });
  }
  const play = await app.inject({ method: 'POST', url: '/api/calls/nope/play', headers: auth, payload: { recordingId: 'abc' } });
  t.equal(play.statusCode, 404);
});

t.test('voice transform: schema-checked body; engine errors mapped', async (t) => {
  const { app, calls, auth } = await adminHarness(t);
  fakeCall(calls, 'leg-2');
  const bad = await app.inject({ method: 'PUT', url: '/api/calls/leg-2/voice', headers: auth, payload: { preset: 'dalek' } });
  t.equal(bad.statusCode, 400);
  t.equal(bad.json().error.code, 'ERR_BAD_REQUEST');
  t.match(bad.json().error.field, /^body\.preset/);
  const range = await app.inject({ method: 'PUT', url: '/api/calls/leg-2/voice', headers: auth, payload: { parameters: { pitchSemitones: 40 } } });
  t.equal(range.statusCode, 400);
  t.equal(range.json().error.field, 'body.parameters.pitchSemitones');
  const extra = await app.inject({ method: 'PUT', url: '/api/calls/leg-2/voice', headers: auth, payload: { preset: 'male', colour: 'blue' } });
  t.equal(extra.statusCode, 400, 'unknown fields are refused, not silently dropped');
  // The fake call has no engine leg: the engine answers "no such leg" (or "not available" before the voice area lands).
  const set = await app.inject({ method: 'PUT', url: '/api/calls/leg-2/voice', headers: auth, payload: { preset: 'female' } });
  t.ok([404, 503].includes(set.statusCode), `engine error mapped (${set.statusCode})`);
  t.match(set.json().error.code, /^ERR_(NOT_FOUND|UNAVAILABLE)$/);
});

t.test('malformed JSON and wrong content type are 400', async (t) => {
  const { app, calls, auth } = await adminHarness(t);
  fakeCall(calls, 'leg-3');
  const broken = await app.inject({
    method: 'PUT',
    url: '/api/calls/leg-3/voice',
    headers: { ...auth, 'content-type': 'application/json' },
    payload: '{"preset": ',
  });
  t.equal(broken.statusCode, 400);
  t.equal(broken.json().error.code, 'ERR_BAD_REQUEST');
  const text = await app.inject({ method: 'PUT', url: '/api/calls/leg-3/voice', headers: { ...auth, 'content-type': 'text/plain' }, payload: 'female' });
  t.ok(text.statusCode === 400 || text.statusCode === 415, `text body refused (${text.statusCode})`);
  t.ok(text.json().error.code);
});

t.test('play into a call: needs a source; an unknown file is 404', async (t) => {
  const { app, calls, auth } = await adminHarness(t);
  fakeCall(calls, 'leg-4');
  const empty = await app.inject({ method: 'POST', url: '/api/calls/leg-4/play', headers: auth, payload: {} });
  t.equal(empty.statusCode, 400);
  const relative = await app.inject({ method: 'POST', url: '/api/calls/leg-4/play', headers: auth, payload: { path: 'x.wav' } });
  t.equal(relative.statusCode, 400);
  const missing = await app.inject({ method: 'POST', url: '/api/calls/leg-4/play', headers: auth, payload: { path: '/nonexistent/x.wav' } });
  t.equal(missing.statusCode, 404);
  const noRecording = await app.inject({ method: 'POST', url: '/api/calls/leg-4/play', headers: auth, payload: { recordingId: 'nope' } });
  t.equal(noRecording.statusCode, 404);
});
