import t from 'tap';
import type { IncomingCall } from '../../../server/signaling/backend.js';
import { headerValue, headerValues } from '../../../server/sip/message.js';
import { startBackend } from '../sip/fixtures/backend-harness.js';
import { authorization, challenges } from '../sip/fixtures/digest-client.js';
import { okFor, TcpPeer, UdpPeer } from '../sip/fixtures/raw-peer.js';
import { OFFER_SDP, sipRequest, uniqueId } from '../sip/fixtures/sip-text.js';

const AUTH = { users: ['alice:secret', 'bob:hunter2'], require: ['REGISTER', 'INVITE:conf-*'], algorithms: ['SHA-256' as const, 'MD5' as const] };

function register(options: { port: number; user: string; cseq: number; callId: string; extra?: string[]; transport?: 'UDP' | 'TCP'; contact?: string }): string {
  const transport = options.transport ?? 'UDP';
  return [
    'REGISTER sip:127.0.0.1 SIP/2.0',
    `Via: SIP/2.0/${transport} 127.0.0.1:${options.port};branch=${uniqueId('z9hG4bKreg')};rport`,
    `From: <sip:${options.user}@127.0.0.1>;tag=r1`,
    `To: <sip:${options.user}@127.0.0.1>`,
    `Call-ID: ${options.callId}`,
    `CSeq: ${options.cseq} REGISTER`,
    `Contact: ${options.contact ?? `<sip:${options.user}@10.9.9.9:5062${transport === 'TCP' ? ';transport=tcp' : ''}>`}`,
    'Expires: 600',
    'User-Agent: test-phone/1.0',
    'Max-Forwards: 70',
    ...(options.extra ?? []),
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

t.test('REGISTER: 401 challenge, digest answer, 200 with the binding; locate() finds it; nc replay and bad password refused', async (t) => {
  const peer = await UdpPeer.open();
  t.teardown(() => peer.close());
  const { backend, udpPort } = await startBackend(t, { auth: AUTH });
  const callId = uniqueId('reg-');
  await peer.send(register({ port: peer.port, user: 'alice', cseq: 1, callId }), udpPort);
  const challenge = await peer.response(401, 'REGISTER');
  const offered = challenges(challenge);
  t.same(offered.map((c) => c.algorithm), ['SHA-256', 'MD5']);
  t.equal(offered[0]?.realm, 'voxbridge');
  const sha = offered[0];
  if (sha === undefined) throw new Error('no challenge');
  const answer = authorization(sha, { method: 'REGISTER', uri: 'sip:127.0.0.1', username: 'alice', password: 'secret' });
  await peer.send(register({ port: peer.port, user: 'alice', cseq: 2, callId, extra: [`Authorization: ${answer}`] }), udpPort);
  const ok = await peer.response(200, 'REGISTER');
  t.same(headerValues(ok.headers, 'contact'), ['<sip:alice@10.9.9.9:5062>;expires=600']);
  const [contact] = backend.locate('alice');
  t.match(contact, { user: 'alice', uri: 'sip:alice@10.9.9.9:5062', userAgent: 'test-phone/1.0', source: { address: '127.0.0.1', port: peer.port, transport: 'udp' } });

  await peer.send(register({ port: peer.port, user: 'alice', cseq: 3, callId, extra: [`Authorization: ${answer}`] }), udpPort);
  await peer.response(401, 'REGISTER');
  const wrong = authorization(sha, { method: 'REGISTER', uri: 'sip:127.0.0.1', username: 'alice', password: 'guess', nc: 2 });
  await peer.send(register({ port: peer.port, user: 'alice', cseq: 4, callId, extra: [`Authorization: ${wrong}`] }), udpPort);
  const forbidden = await peer.response(403, 'REGISTER');
  t.match(headerValue(forbidden.headers, 'warning'), /wrong user name or password/);
  const counters = backend.counters();
  t.equal(counters.rejects['auth-replay'], 1);
  t.equal(counters.rejects['auth-failed'], 1);
  t.equal(counters.rejects.challenged, 1);

  const unregister = authorization(sha, { method: 'REGISTER', uri: 'sip:127.0.0.1', username: 'alice', password: 'secret', nc: 3 });
  await peer.send(register({ port: peer.port, user: 'alice', cseq: 5, callId, extra: [`Authorization: ${unregister}`], contact: '<sip:alice@10.9.9.9:5062>;expires=0' }), udpPort);
  const gone = await peer.response(200, 'REGISTER');
  t.same(headerValues(gone.headers, 'contact'), []);
  t.same(backend.locate('alice'), []);
});

t.test('INVITE to a protected target: 407 (ACKed), then the authenticated INVITE reaches the app', async (t) => {
  const peer = await UdpPeer.open();
  t.teardown(() => peer.close());
  const { backend, udpPort } = await startBackend(t, { auth: AUTH });
  const calls: IncomingCall[] = [];
  backend.onInvite((call) => {
    calls.push(call);
    call.reject(486);
  });
  const callId = uniqueId('inv-');
  const uri = 'sip:conf-42@127.0.0.1';
  await peer.send(sipRequest({ method: 'INVITE', uri, port: peer.port, callId, body: OFFER_SDP }), udpPort);
  const challenge = await peer.response(407, 'INVITE');
  t.equal(headerValues(challenge.headers, 'proxy-authenticate').length, 2);
  await peer.send(sipRequest({ method: 'ACK', uri, port: peer.port, callId, toTag: challenge.to.tag ?? '', cseq: 1, branch: challenge.via[0]?.branch ?? '' }), udpPort);
  const [first] = challenges(challenge);
  if (first === undefined) throw new Error('no challenge');
  const credentials = authorization(first, { method: 'INVITE', uri, username: 'bob', password: 'hunter2' });
  await peer.send(sipRequest({ method: 'INVITE', uri, port: peer.port, callId, cseq: 2, body: OFFER_SDP, extra: [`Proxy-Authorization: ${credentials}`] }), udpPort);
  await peer.response(486, 'INVITE');
  t.equal(calls.length, 1);
  await peer.send(sipRequest({ method: 'INVITE', uri: 'sip:echo@127.0.0.1', port: peer.port, body: OFFER_SDP }), udpPort);
  await peer.response(486, 'INVITE');
  t.equal(calls.length, 2, 'other targets are not challenged');
});

t.test('a call placed to a contact registered over TCP goes down the same connection', async (t) => {
  const { backend, tcpPort } = await startBackend(t);
  const peer = await TcpPeer.connect(tcpPort);
  t.teardown(() => peer.close());
  peer.send(register({ port: peer.port, user: 'carol', cseq: 1, callId: uniqueId('tcp-reg-'), transport: 'TCP', contact: '<sip:carol@192.0.2.77:5999;transport=tcp>' }));
  await peer.response(200, 'REGISTER');
  const [contact] = backend.locate('carol');
  if (contact === undefined) throw new Error('not registered');
  t.equal(contact.source.transport, 'tcp');
  const call = backend.placeCall({ contact, offer: OFFER_SDP });
  const invite = await peer.request('INVITE');
  t.equal(invite.requestUri, 'sip:carol@192.0.2.77:5999;transport=tcp', 'Request-URI: the registered contact');
  t.match(headerValue(invite.headers, 'via'), /^SIP\/2\.0\/TCP /);
  t.match(headerValue(invite.headers, 'contact'), /;transport=tcp>$/);
  peer.send(okFor(invite).replace('200 OK', '480 Temporarily Unavailable'));
  await peer.request('ACK');
  await t.rejects(call.answered, { name: 'SipError', status: 480 });
  await t.rejects(backend.placeCall({ contact: { ...contact, uri: 'sip:nobody@192.0.2.1' }, offer: OFFER_SDP }).answered, { name: 'SipError', status: 480 }, 'a contact no longer registered');
});

t.test('over the call limit: 503 with Retry-After, counted as overload', async (t) => {
  const peer = await UdpPeer.open();
  t.teardown(() => peer.close());
  const { backend, udpPort } = await startBackend(t, { sip: { maxCalls: 1 } });
  const held: IncomingCall[] = [];
  backend.onInvite((call) => held.push(call));
  await peer.send(sipRequest({ method: 'INVITE', port: peer.port, callId: uniqueId('a-'), body: OFFER_SDP }), udpPort);
  await peer.response(100, 'INVITE');
  await peer.send(sipRequest({ method: 'INVITE', port: peer.port, callId: uniqueId('b-'), body: OFFER_SDP }), udpPort);
  const busy = await peer.response(503, 'INVITE');
  t.equal(headerValue(busy.headers, 'retry-after'), '5');
  t.match(headerValue(busy.headers, 'warning'), /too many calls/);
  t.equal(held.length, 1);
  t.equal(backend.counters().rejects.overload, 1);
  t.equal(backend.counters().activeCalls, 1);
  held[0]?.reject(486);
  await peer.response(486, 'INVITE');
  await peer.send(sipRequest({ method: 'INVITE', port: peer.port, callId: uniqueId('c-'), body: OFFER_SDP }), udpPort);
  await peer.response(100, 'INVITE');
  await peer.flush(udpPort);
  t.equal(held.length, 2, 'room again once the first call is over');
});
