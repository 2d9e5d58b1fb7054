import t from 'tap';
import { adminHarness } from './fixtures/harness.js';

t.test('health, readiness and info', async (t) => {
  const { app, control, auth } = await adminHarness(t);
  t.same((await app.inject({ url: '/health' })).json(), { status: 'ok' });
  t.equal((await app.inject({ url: '/ready' })).statusCode, 200);
  const info = await app.inject({ url: '/api/info', headers: auth });
  t.equal(info.statusCode, 200);
  t.equal(info.json().version, '9.9.9');
  control.stopAccepting();
  const ready = await app.inject({ url: '/ready' });
  t.equal(ready.statusCode, 503, 'not ready while draining');
  t.same(ready.json(), { ready: false });
});

t.test('effective config has secrets redacted', async (t) => {
  const { app, auth } = await adminHarness(t);
  const reply = await app.inject({ url: '/api/config', headers: auth });
  t.equal(reply.statusCode, 200);
  const body = reply.json();
  t.same(body.auth.users, ['alice:(redacted)']);
  t.same(body.admin.tokens, ['(redacted)']);
  t.notMatch(reply.body, /secret-password|test-token/);
  t.equal(body.sip.listen, '0.0.0.0:5060');
});

t.test('stats and unknown routes', async (t) => {
  const { app, auth } = await adminHarness(t);
  const stats = await app.inject({ url: '/api/stats', headers: auth });
  t.equal(stats.statusCode, 200);
  t.equal(stats.json().sip.rejectedMalformed, 1);
  const missing = await app.inject({ url: '/api/nope', headers: auth });
  t.equal(missing.statusCode, 404);
  t.equal(missing.json().error.code, 'ERR_NOT_FOUND');
});
