import t, { type Test } from 'tap';
import { headerValue, headerValues } from '../../../server/sip/message.js';
import { startBackend } from '../sip/fixtures/backend-harness.js';
import { fixture } from '../sip/fixtures/fixture-files.js';
import { UdpPeer } from '../sip/fixtures/raw-peer.js';
import { OFFER_SDP, sipRequest, uniqueId } from '../sip/fixtures/sip-text.js';

async function setup(
  t: Test,
  tryingDelayMs = 100,
): Promise<{ peer: UdpPeer; port: number; backend: Awaited<ReturnType<typeof startBackend>>['backend'] }> {
  const peer = await UdpPeer.open();
  t.teardown(() => peer.close());
  const { backend, udpPort } = await startBackend(t, { sip: { tryingDelayMs } });
  return { peer, port: udpPort, backend };
}

t.test('OPTIONS → 200 with Allow, Accept, Accept-Encoding, Accept-Language, Supported', async (t) => {
  const { peer, port } = await setup(t);
  await peer.send(sipRequest({ method: 'OPTIONS', port: peer.port, uri: 'sip:127.0.0.1' }), port);
  const ok = await peer.response(200, 'OPTIONS');
  t.equal(headerValue(ok.headers, 'allow'), 'INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, UPDATE, PRACK, REGISTER');
  t.equal(headerValue(ok.headers, 'accept'), 'application/sdp, application/dtmf-relay, application/dtmf');
  t.equal(headerValue(ok.headers, 'accept-encoding'), 'identity');
  t.equal(headerValue(ok.headers, 'accept-language'), 'en');
  t.same(headerValues(ok.headers, 'supported'), ['timer', '100rel']);
  t.ok(ok.to.tag);
  // The SIPp-style fixture works too, and Max-Forwards 0 is fine for OPTIONS.
  await peer.send(fixture('options.sip').toString().replace('5061', String(peer.port)).replace('Max-Forwards: 70', 'Max-Forwards: 0'), port);
  await peer.response(200, 'OPTIONS');
});

t.test('unknown method → 501, known but not served → 405, both with Allow', async (t) => {
  const { peer, port } = await setup(t);
  await peer.send(sipRequest({ method: 'FROBNICATE', port: peer.port }), port);
  const notImplemented = await peer.response(501, 'FROBNICATE');
  t.equal(headerValue(notImplemented.headers, 'allow'), 'INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, UPDATE, PRACK, REGISTER');
  await peer.send(sipRequest({ method: 'constructor', port: peer.port }), port);
  await peer.response(501, 'constructor');
  for (const method of ['SUBSCRIBE', 'NOTIFY', 'PUBLISH', 'MESSAGE', 'REFER']) {
    await peer.send(sipRequest({ method, port: peer.port }), port);
    const notAllowed = await peer.response(405, method);
    t.ok(headerValue(notAllowed.headers, 'allow'), `${method}: Allow present`);
  }
});

t.test('in-dialog requests for no dialog → 481; ACK for nothing is dropped', async (t) => {
  const { peer, port } = await setup(t);
  for (const method of ['BYE', 'INFO', 'UPDATE', 'INVITE', 'PRACK']) {
    await peer.send(sipRequest({ method, port: peer.port, toTag: 'nosuchdialog' }), port);
    await peer.response(481, method);
  }
  await peer.send(sipRequest({ method: 'BYE', port: peer.port }), port);
  await peer.response(481, 'BYE');
  t.equal(peer.queued.filter((m) => m.kind === 'response' && m.status === 100).length, 0, 'no 100 Trying for an INVITE refused at once');
  await peer.send(sipRequest({ method: 'ACK', port: peer.port, toTag: 'nosuchdialog' }), port);
  await peer.send(sipRequest({ method: 'OPTIONS', port: peer.port }), port);
  const next = await peer.next();
  t.equal(next.kind === 'response' && next.cseq.method, 'OPTIONS', 'nothing came back for the ACK');
});

t.test('Max-Forwards 0 → 483; Require → 420 with Unsupported; bad body → 415; tel: URI → 416', async (t) => {
  const { peer, port, backend } = await setup(t);
  let invites = 0;
  backend.onInvite(() => invites++);
  await peer.send(sipRequest({ method: 'INVITE', port: peer.port, maxForwards: 0, body: OFFER_SDP }), port);
  await peer.response(483, 'INVITE');
  await peer.send(sipRequest({ method: 'INVITE', port: peer.port, extra: ['Require: 100rel, replaces, foo'], body: OFFER_SDP }), port);
  const badExtension = await peer.response(420, 'INVITE');
  t.equal(headerValue(badExtension.headers, 'unsupported'), 'replaces, foo', 'only the tags we lack');
  await peer.send(sipRequest({ method: 'INVITE', port: peer.port, body: '<xml/>', contentType: 'application/xml' }), port);
  const media = await peer.response(415, 'INVITE');
  t.equal(headerValue(media.headers, 'accept'), 'application/sdp');
  await peer.send(sipRequest({ method: 'INVITE', port: peer.port, body: OFFER_SDP, extra: ['Content-Encoding: gzip'] }), port);
  const encoding = await peer.response(415, 'INVITE');
  t.equal(headerValue(encoding.headers, 'accept-encoding'), 'identity');
  await peer.send(sipRequest({ method: 'INVITE', port: peer.port, uri: 'tel:+15551234', body: OFFER_SDP }), port);
  await peer.response(416, 'INVITE');
  t.equal(invites, 0, 'none of them reached the app');
});

t.test('malformed requests get 400 with a Warning saying what was wrong; hopeless ones are dropped', async (t) => {
  const { peer, port, backend } = await setup(t);
  const cases: ReadonlyArray<[string, number, RegExp]> = [
    ['invalid-cseq.sip', 400, /malformed CSeq/],
    ['invalid-cseq-method-mismatch.sip', 400, /CSeq method does not match/],
    ['invalid-content-length-mismatch.sip', 400, /body shorter than Content-Length/],
    ['invalid-request-line.sip', 400, /malformed request line/],
    ['invalid-via.sip', 400, /malformed Via/],
    ['invalid-version.sip', 505, /unsupported SIP version/],
    ['invalid-oversized.sip', 513, /larger than 16384 bytes/],
    ['invite-sipp-truncated-body.sip', 400, /body shorter/],
  ];
  for (const [name, status, warning] of cases) {
    await peer.send(fixture(name), port);
    // These fixtures say they come from 127.0.0.1:5061; the answer goes to the real source regardless.
    // The answer copies the broken headers, so it is read as text, not parsed.
    const text = (await peer.nextRaw()).toString();
    t.equal(text.slice(0, 11), `SIP/2.0 ${status}`, `${name}: status`);
    t.match(text, /\r\nWarning: 399 127\.0\.0\.1 "/, `${name}: Warning from us`);
    t.match(/\r\nWarning: ([^\r]*)/.exec(text)?.[1], warning, `${name}: warning says why`);
    t.match(text, /\r\nTo: [^\r]*;tag=\w+\r\n/, `${name}: To tag added`);
    t.match(text, /\r\nCall-ID: 1-4242@127\.0\.0\.1\r\n/, `${name}: Call-ID copied`);
  }
  const before = backend.counters();
  for (const name of ['invalid-missing-call-id.sip', 'invalid-nul-byte.sip', 'invalid-header-line.sip']) await peer.send(fixture(name), port);
  await peer.send(sipRequest({ method: 'OPTIONS', port: peer.port }), port);
  const next = (await peer.nextRaw()).toString();
  t.match(next, /^SIP\/2\.0 200 OK\r\n[^]*\r\nCSeq: 1 OPTIONS\r\n/, 'the dropped ones got no answer');
  const after = backend.counters();
  t.equal(after.droppedMalformed - before.droppedMalformed, 3);
  t.equal(after.rejectedMalformed, cases.length);
  await peer.send('\r\n\r\n', port); // keep-alive: neither answered nor counted
  await peer.send(sipRequest({ method: 'OPTIONS', port: peer.port }), port);
  await peer.response(200, 'OPTIONS');
  t.equal(backend.counters().droppedMalformed, after.droppedMalformed);
});

t.test('a malformed response is dropped, a stray one is counted', async (t) => {
  const { peer, port, backend } = await setup(t);
  await peer.send('SIP/2.0 200 OK\r\nVia: x\r\n\r\n', port);
  await peer.send(fixture('response-200-bye.sip'), port);
  await peer.send(sipRequest({ method: 'OPTIONS', port: peer.port }), port);
  await peer.response(200, 'OPTIONS');
  const counters = backend.counters();
  t.equal(counters.droppedMalformed, 1);
  t.equal(counters.strayResponses, 1);
});

t.test('no INVITE handler registered: 480 (no 100 Trying: the answer came first)', async (t) => {
  const { peer, port } = await setup(t);
  await peer.send(sipRequest({ method: 'INVITE', port: peer.port, callId: uniqueId('c'), body: OFFER_SDP }), port);
  const refused = await peer.response();
  t.equal(refused.status, 480);
});

t.test('by default 100 Trying goes out at once, before the final response', async (t) => {
  const { peer, port, backend } = await setup(t, 0);
  backend.onInvite((call) => call.reject(486));
  await peer.send(sipRequest({ method: 'INVITE', port: peer.port, callId: uniqueId('now'), body: OFFER_SDP }), port);
  const first = await peer.response();
  t.equal(first.status, 100, '100 Trying first');
  const busy = await peer.response();
  t.equal(busy.status, 486);
});

t.test('with sip.tryingDelayMs, 100 Trying when the app takes longer than that, or at once for a retransmitted INVITE', async (t) => {
  const { peer, port, backend } = await setup(t);
  backend.onInvite(() => undefined); // an app that never answers
  const started = Date.now();
  await peer.send(sipRequest({ method: 'INVITE', port: peer.port, callId: uniqueId('slow'), body: OFFER_SDP }), port);
  await peer.response(100, 'INVITE');
  t.ok(Date.now() - started >= 90, 'not before the delay');
  const invite = sipRequest({ method: 'INVITE', port: peer.port, callId: uniqueId('retx'), body: OFFER_SDP, branch: 'z9hG4bKretransmitted' });
  await peer.send(invite, port);
  await peer.send(invite, port);
  const trying = await peer.response(100, 'INVITE');
  t.equal(trying.via[0]?.branch, 'z9hG4bKretransmitted', 'the retransmission got its 100 at once');
});
