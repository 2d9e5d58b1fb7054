import { Writable } from 'node:stream';
import t from 'tap';
import { pino } from 'pino';
import { WebSocket } from 'ws';
import { startAdmin } from '../../../server/admin/index.js';
import { TokenVerifier, isLoopback } from '../../../server/admin/auth.js';
import { ControlError } from '../../../server/control/errors.js';
import { adminHarness, TOKEN } from './fixtures/harness.js';

t.test('token verifier: constant-time digest compare against every token', async (t) => {
  const verifier = new TokenVerifier(['first-token-aaaaaaaa', 'second-token-bbbbbbb', '']);
  t.ok(verifier.enabled);
  t.ok(verifier.verify('first-token-aaaaaaaa'));
  t.ok(verifier.verify('second-token-bbbbbbb'));
  t.notOk(verifier.verify('first-token-aaaaaaa'), 'a prefix is not a match');
  t.notOk(verifier.verify(''));
  t.notOk(new TokenVerifier([]).enabled);
  t.ok(isLoopback('127.0.0.1'));
  t.ok(isLoopback('::1'));
  t.notOk(isLoopback('0.0.0.0'));
  t.notOk(isLoopback('10.1.2.3'));
});

t.test('every /api/ route needs the token: 401 without, 403 wrong, 200 right', async (t) => {
  const { app } = await adminHarness(t);
  const none = await app.inject({ url: '/api/calls' });
  t.equal(none.statusCode, 401);
  t.equal(none.json().error.code, 'ERR_UNAUTHORIZED');
  const malformed = await app.inject({ url: '/api/calls', headers: { authorization: 'Basic abc' } });
  t.equal(malformed.statusCode, 401, 'a non-bearer scheme counts as no token');
  const wrong = await app.inject({ url: '/api/calls', headers: { authorization: 'Bearer nope-nope-nope-nope' } });
  t.equal(wrong.statusCode, 403);
  t.equal(wrong.json().error.code, 'ERR_FORBIDDEN');
  t.equal((await app.inject({ url: '/api/calls', headers: { authorization: `Bearer ${TOKEN}` } })).statusCode, 200);
  t.equal((await app.inject({ url: '/api/calls', headers: { authorization: `bearer   ${TOKEN}` } })).statusCode, 200, 'scheme is case-insensitive');
  t.equal((await app.inject({ url: `/api/calls?token=${TOKEN}` })).statusCode, 401, '?token= only works for the event WebSocket');
  t.equal((await app.inject({ method: 'DELETE', url: '/api/calls/x' })).statusCode, 401, 'auth runs before the route (no 404 leak)');
  t.equal((await app.inject({ url: '/health' })).statusCode, 200, '/health is open');
  t.equal((await app.inject({ url: '/metrics' })).statusCode, 200, '/metrics is open');
});

t.test('without tokens the API is open (loopback only is enforced at listen)', async (t) => {
  const { app } = await adminHarness(t, { tokens: [] });
  t.equal((await app.inject({ url: '/api/calls' })).statusCode, 200);
});

t.test('startAdmin refuses a non-loopback listen without a token, naming the key', async (t) => {
  const { control, config } = await adminHarness(t);
  const logger = pino({ level: 'silent' });
  const error = await startAdmin({ config: { ...config.admin, tokens: [], token: '', listen: '0.0.0.0:0' }, control, logger }).then(
    () => null,
    (failure: unknown) => failure,
  );
  t.ok(error instanceof ControlError, 'refused');
  t.match(String(error), /admin\.token.*VOXBRIDGE_ADMIN_TOKEN/);
});

t.test('real socket: auth over HTTP and on the WebSocket; tokens never logged', async (t) => {
  const { control, config } = await adminHarness(t);
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const logger = pino({ level: 'trace' }, sink);
  const token = 'socket-token-0123456789';
  const admin = await startAdmin({ config: { ...config.admin, tokens: [], token, listen: '127.0.0.1:0' }, control, logger });
  t.teardown(() => admin.close());
  t.equal(admin.address.host, '127.0.0.1');
  t.equal((await fetch(`${admin.url}/api/info`)).status, 401);
  t.equal((await fetch(`${admin.url}/api/info`, { headers: { authorization: 'Bearer wrong-wrong-wrong-wrong' } })).status, 403);
  const ok = await fetch(`${admin.url}/api/info`, { headers: { authorization: `Bearer ${token}` } });
  t.equal(ok.status, 200);

  const refused = new WebSocket(`${admin.url.replace('http', 'ws')}/api/events`);
  refused.on('error', () => undefined);
  const status = await new Promise<number>((resolve) => refused.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
  t.equal(status, 401, 'WebSocket without token refused before the upgrade');
  refused.terminate();

  const socket = new WebSocket(`${admin.url.replace('http', 'ws')}/api/events?token=${token}`);
  t.teardown(() => socket.terminate());
  const hello = await new Promise<{ type: string }>((resolve) => socket.once('message', (data: Buffer) => resolve(JSON.parse(data.toString()) as { type: string })));
  t.equal(hello.type, 'hello');
  t.ok(lines.some((line) => line.includes('admin API listening')));
  t.notOk(lines.some((line) => line.includes(token)), 'the token appears in no log line');
});
