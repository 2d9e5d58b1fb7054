import t from 'tap';
import { parseSipMessage } from '../../../../server/sip/parser.js';
import type { SipRequest } from '../../../../server/sip/message.js';
import { InMemoryLocationService } from '../../../../server/sip/registrar/location-service.js';
import { contactKey, MIN_EXPIRES_S, processRegister } from '../../../../server/sip/registrar/registrar.js';
import type { Flow } from '../../../../server/sip/transport.js';
import { LIMITS } from '../fixtures/fixture-files.js';

const FLOW: Flow = { transport: 'udp', remoteAddress: '198.51.100.7', remotePort: 40123, localAddress: '127.0.0.1', localPort: 5060, connection: null };

function register(options: { contacts: string[]; expires?: number; callId?: string; cseq?: number; user?: string }): SipRequest {
  const lines = [
    'REGISTER sip:127.0.0.1 SIP/2.0',
    'Via: SIP/2.0/UDP 10.0.0.5:5062;branch=z9hG4bKreg;rport',
    `From: <sip:${options.user ?? 'alice'}@127.0.0.1>;tag=f1`,
    `To: <sip:${options.user ?? 'alice'}@127.0.0.1>`,
    `Call-ID: ${options.callId ?? 'reg-1'}`,
    `CSeq: ${options.cseq ?? 1} REGISTER`,
    ...options.contacts.map((contact) => `Contact: ${contact}`),
    ...(options.expires === undefined ? [] : [`Expires: ${options.expires}`]),
    'User-Agent: test-phone',
    'Content-Length: 0',
  ];
  const parsed = parseSipMessage(Buffer.from(`${lines.join('\r\n')}\r\n\r\n`), LIMITS);
  if (!parsed.ok || parsed.message.kind !== 'request') throw new Error('bad REGISTER');
  return parsed.message;
}

const contactsOf = (headers: readonly { name: string; value: string }[]): string[] => headers.filter((h) => h.name === 'contact').map((h) => h.value);

t.test('bind, refresh, add a second contact, query, remove one, remove all', async (t) => {
  const location = new InMemoryLocationService();
  let now = 1_000_000;
  const first = processRegister(register({ contacts: ['<sip:alice@10.0.0.5:5062>'], expires: 600 }), FLOW, location, now);
  t.equal(first.status, 200);
  t.same(contactsOf(first.headers), ['<sip:alice@10.0.0.5:5062>;expires=600']);
  t.ok(first.headers.some((h) => h.name === 'date'), 'Date header');
  const [binding] = location.lookup('alice', now);
  t.match(binding, { uri: 'sip:alice@10.0.0.5:5062', userAgent: 'test-phone', flow: FLOW, expiresAt: now + 600_000 }, 'the flow is kept for NAT');

  now += 100_000;
  const second = processRegister(
    register({ contacts: ['<sip:alice@10.0.0.5:5062>;expires=300', '<sip:alice@10.0.0.9;transport=tcp>;q=0.5'], cseq: 2 }),
    FLOW,
    location,
    now,
  );
  t.equal(second.status, 200);
  t.same(contactsOf(second.headers).sort(), ['<sip:alice@10.0.0.5:5062>;expires=300', '<sip:alice@10.0.0.9;transport=tcp>;expires=3600']);
  t.equal(location.lookup('alice', now).find((b) => b.uri.includes('10.0.0.9'))?.q, 0.5);

  const query = processRegister(register({ contacts: [], cseq: 3 }), FLOW, location, now);
  t.equal(contactsOf(query.headers).length, 2, 'no Contact: a query');

  const removeOne = processRegister(register({ contacts: ['<sip:alice@10.0.0.9;transport=tcp>;expires=0'], cseq: 4 }), FLOW, location, now);
  t.same(contactsOf(removeOne.headers), ['<sip:alice@10.0.0.5:5062>;expires=300']);

  now += 301_000;
  t.same(location.lookup('alice', now), [], 'expired bindings are gone');
  processRegister(register({ contacts: ['<sip:alice@10.0.0.5:5062>'], cseq: 5 }), FLOW, location, now);
  const removeAll = processRegister(register({ contacts: ['*'], expires: 0, callId: 'other', cseq: 1 }), FLOW, location, now);
  t.equal(removeAll.status, 200);
  t.same(location.lookup('alice', now), []);
  t.equal(location.users, 0);
});

t.test('refusals: 423 with Min-Expires, * without Expires 0, out-of-order CSeq, no user, bad Expires', async (t) => {
  const location = new InMemoryLocationService();
  const brief = processRegister(register({ contacts: ['<sip:alice@10.0.0.5>'], expires: 10 }), FLOW, location, 0);
  t.equal(brief.status, 423);
  t.same(brief.headers, [{ name: 'min-expires', value: String(MIN_EXPIRES_S) }]);
  t.equal(processRegister(register({ contacts: ['*'] }), FLOW, location, 0).status, 400);
  t.equal(processRegister(register({ contacts: ['*', '<sip:a@b>'], expires: 0 }), FLOW, location, 0).status, 400);
  t.equal(processRegister(register({ contacts: ['<sip:alice@10.0.0.5>'], cseq: 5 }), FLOW, location, 0).status, 200);
  t.equal(processRegister(register({ contacts: ['<sip:alice@10.0.0.5>'], cseq: 5 }), FLOW, location, 0).status, 500, 'same Call-ID, CSeq not higher');
  t.equal(processRegister(register({ contacts: ['<sip:alice@10.0.0.5>'], cseq: 6 }), FLOW, location, 0).status, 200);
  const noUser = register({ contacts: ['<sip:x@y>'] });
  t.equal(processRegister({ ...noUser, to: { ...noUser.to, uri: 'sip:127.0.0.1' } }, FLOW, location, 0).status, 404);
  const badExpires = register({ contacts: ['<sip:alice@10.0.0.5>'], cseq: 9 });
  t.equal(processRegister({ ...badExpires, headers: [...badExpires.headers, { name: 'expires', value: 'soon' }] }, FLOW, location, 0).status, 400);
  const tooMany = Array.from({ length: 11 }, (_, i) => `<sip:alice@10.0.1.${i}>`);
  t.equal(processRegister(register({ contacts: tooMany, callId: 'many' }), FLOW, location, 0).status, 403);
});

t.test('contact keys compare URIs loosely where RFC 3261 §19.1.4 does', async (t) => {
  t.equal(contactKey('sip:alice@EXAMPLE.com:5060'), contactKey('sip:alice@example.com:5060'));
  t.not(contactKey('sip:alice@example.com'), contactKey('sip:ALICE@example.com'), 'user parts are case-sensitive');
  t.not(contactKey('sip:alice@example.com;transport=tcp'), contactKey('sip:alice@example.com'));
  t.equal(contactKey('tel:+1555'), null);
});
