import t from 'tap';
import { Authenticator } from '../../../../server/sip/auth/authenticator.js';
import { parseSipMessage } from '../../../../server/sip/parser.js';
import type { SipRequest, SipResponse } from '../../../../server/sip/message.js';
import { serializeResponse } from '../../../../server/sip/serializer.js';
import { authorization, challenges } from '../fixtures/digest-client.js';
import { LIMITS } from '../fixtures/fixture-files.js';
import { sipRequest } from '../fixtures/sip-text.js';

const CONFIG = { realm: 'voxbridge', users: ['alice:wonder', 'bob:builder'], require: ['REGISTER', 'INVITE:conf-*'], algorithms: ['SHA-256' as const, 'MD5' as const], nonceSeconds: 60 };

function request(text: string): SipRequest {
  const parsed = parseSipMessage(Buffer.from(text), LIMITS);
  if (!parsed.ok || parsed.message.kind !== 'request') throw new Error('bad test request');
  return parsed.message;
}

function register(user: string, extra: string[] = []): SipRequest {
  return request(sipRequest({ method: 'REGISTER', uri: 'sip:127.0.0.1', port: 5062, extra }).replace('To: <sip:echo@127.0.0.1>', `To: <sip:${user}@127.0.0.1>`));
}

/** The challenge of a verdict as a parsed response, for the client helper. */
function asResponse(status: number, headers: readonly { name: string; value: string }[]): SipResponse {
  const parsed = parseSipMessage(
    serializeResponse(status, null, [
      { name: 'via', value: 'SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bKx' },
      { name: 'from', value: '<sip:a@b>;tag=1' },
      { name: 'to', value: '<sip:a@b>;tag=2' },
      { name: 'call-id', value: 'c' },
      { name: 'cseq', value: '1 REGISTER' },
      ...headers,
    ]),
    LIMITS,
  );
  if (!parsed.ok || parsed.message.kind !== 'response') throw new Error('bad response');
  return parsed.message;
}

t.test('which requests must authenticate', async (t) => {
  const auth = new Authenticator(CONFIG);
  t.equal(auth.requires(register('alice')), true);
  t.equal(auth.requires(request(sipRequest({ method: 'INVITE', uri: 'sip:conf-sales@127.0.0.1', port: 5062 }))), true, 'INVITE:conf-* matches');
  t.equal(auth.requires(request(sipRequest({ method: 'INVITE', uri: 'sip:echo@127.0.0.1', port: 5062 }))), false, 'other targets are open');
  t.equal(auth.requires(request(sipRequest({ method: 'INVITE', uri: 'sip:conf-sales@127.0.0.1', port: 5062, toTag: 'x' }))), false, 're-INVITEs are not challenged');
  t.equal(new Authenticator({ ...CONFIG, users: [] }).requires(register('alice')), false, 'no users: an open server');
});

t.test('401 with one challenge per algorithm, then the right answer passes once', async (t) => {
  const auth = new Authenticator(CONFIG);
  const first = auth.check(register('alice'));
  if (first.kind !== 'challenge') throw new Error('expected a challenge');
  t.equal(first.status, 401);
  const offered = challenges(asResponse(first.status, first.headers));
  t.same(offered.map((c) => c.algorithm), ['SHA-256', 'MD5'], 'SHA-256 first (RFC 8760 §2.4)');
  for (const challenge of offered) {
    const answer = authorization(challenge, { method: 'REGISTER', uri: 'sip:127.0.0.1', username: 'alice', password: 'wonder' });
    t.same(auth.check(register('alice', [`Authorization: ${answer}`])), { kind: 'ok', user: 'alice' }, `${challenge.algorithm} accepted`);
    const replay = auth.check(register('alice', [`Authorization: ${answer}`]));
    t.match(replay, { kind: 'challenge', why: 'replay' }, 'the same nonce-count again is refused');
    const next = authorization(challenge, { method: 'REGISTER', uri: 'sip:127.0.0.1', username: 'alice', password: 'wonder', nc: 2 });
    t.match(auth.check(register('alice', [`Authorization: ${next}`])), { kind: 'ok' }, 'the next nonce-count passes');
  }
});

t.test('wrong password, unknown user, someone else’s AOR: 403; expired nonce: stale challenge', async (t) => {
  let now = 0;
  const auth = new Authenticator(CONFIG, () => now);
  const verdict = auth.check(register('alice'));
  if (verdict.kind !== 'challenge') throw new Error('expected a challenge');
  const [challenge] = challenges(asResponse(401, verdict.headers));
  if (challenge === undefined) throw new Error('no challenge');
  const answer = (username: string, password: string, nc = 1): string =>
    `Authorization: ${authorization(challenge, { method: 'REGISTER', uri: 'sip:127.0.0.1', username, password, nc })}`;
  t.match(auth.check(register('alice', [answer('alice', 'nope')])), { kind: 'forbidden' });
  t.match(auth.check(register('alice', [answer('mallory', 'x')])), { kind: 'forbidden' });
  t.match(auth.check(register('alice', [answer('bob', 'builder')])), { kind: 'forbidden', why: /may not register/ });
  now = 61_000;
  const stale = auth.check(register('alice', [answer('alice', 'wonder', 5)]));
  t.match(stale, { kind: 'challenge', why: 'stale' });
  if (stale.kind === 'challenge') t.ok(challenges(asResponse(401, stale.headers)).every((c) => c.stale), 'stale=true');
  const invite = auth.check(request(sipRequest({ method: 'INVITE', uri: 'sip:conf-1@127.0.0.1', port: 5062 })));
  t.match(invite, { kind: 'challenge', status: 407 }, 'INVITE is challenged with 407');
  if (invite.kind === 'challenge') t.equal(invite.headers[0]?.name, 'proxy-authenticate');
});

t.test('digest without qop is refused; an algorithm we did not offer is re-challenged', async (t) => {
  const auth = new Authenticator({ ...CONFIG, algorithms: ['SHA-256'] });
  const noQop = 'Authorization: Digest username="alice", realm="voxbridge", nonce="n", uri="sip:127.0.0.1", response="00", algorithm=SHA-256';
  t.match(auth.check(register('alice', [noQop])), { kind: 'forbidden', why: /qop/ });
  const md5 = 'Authorization: Digest username="alice", realm="voxbridge", nonce="n", uri="sip:127.0.0.1", response="00", algorithm=MD5, qop=auth, nc=00000001, cnonce="c"';
  t.match(auth.check(register('alice', [md5])), { kind: 'challenge', why: 'no-credentials' });
  const otherRealm = md5.replace('realm="voxbridge"', 'realm="elsewhere"');
  t.match(auth.check(register('alice', [otherRealm])), { kind: 'challenge' }, 'credentials for another realm do not count');
});
