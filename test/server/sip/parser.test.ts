import t from 'tap';
import { parseSipMessage, type ParseResult } from '../../../server/sip/parser.js';
import type { SipRequest } from '../../../server/sip/message.js';
import { headerValue, headerValues, bodyText } from '../../../server/sip/message.js';
import { fixture, LIMITS } from './fixtures/fixture-files.js';
import { prng } from '../../helpers/prng.js';

function request(result: ParseResult): SipRequest {
  if (!result.ok) throw new Error(`parse failed: ${result.error.code} ${result.error.reason}`);
  if (result.message.kind !== 'request') throw new Error('not a request');
  return result.message;
}

function failureOf(result: ParseResult): { code: string; canRespond: boolean; status: number } {
  if (result.ok) throw new Error('expected a parse failure');
  return result.error;
}

t.test('SIPp INVITE', async (t) => {
  const req = request(parseSipMessage(fixture('invite-sipp.sip'), LIMITS));
  t.equal(req.method, 'INVITE');
  t.equal(req.requestUri, 'sip:service@127.0.0.1:5060');
  t.equal(req.uri?.user, 'service');
  t.equal(req.uri?.port, 5060);
  t.equal(req.via.length, 1);
  t.match(req.via[0], { transport: 'UDP', host: '127.0.0.1', port: 5061, branch: 'z9hG4bK-4242-1-0' });
  t.equal(req.from.displayName, 'sipp');
  t.equal(req.from.uri, 'sip:sipp@127.0.0.1:5061');
  t.equal(req.from.tag, '4242SIPpTag001');
  t.equal(req.to.tag, null);
  t.equal(req.callId, '1-4242@127.0.0.1');
  t.same(req.cseq, { seq: 1, method: 'INVITE' });
  t.equal(req.maxForwards, 70);
  t.equal(req.contacts[0]?.uri, 'sip:sipp@127.0.0.1:5061');
  t.equal(headerValue(req.headers, 'subject'), 'Performance Test');
  t.equal(headerValue(req.headers, 's'), 'Performance Test', 'compact lookups work too');
  t.match(bodyText(req), /^v=0\r\no=user1/);
  t.equal(req.body.length, Number(headerValue(req.headers, 'Content-Length')));
});

t.test('baresip-like INVITE: multi-Via on one line and several, IPv6 sent-by, quoted display name, Record-Route', async (t) => {
  const req = request(parseSipMessage(fixture('invite-baresip.sip'), LIMITS));
  t.equal(req.via.length, 3);
  t.match(req.via[0], { host: '10.0.0.1', port: 5060, branch: 'z9hG4bKproxy1' });
  t.match(req.via[1], { host: '192.168.1.20', branch: 'z9hG4bK7f3a9c' });
  t.match(req.via[2], { transport: 'TCP', host: '[2001:db8::20]', port: 5070 });
  t.equal(headerValues(req.headers, 'via').length, 3, 'header fields are split per element');
  t.equal(req.from.displayName, 'Alice "A" Smith');
  t.equal(req.from.tag, '8d1f2a7e45');
  t.equal(req.maxForwards, 69);
  t.equal(req.recordRoutes.length, 1);
  t.equal(req.recordRoutes[0]?.uri, 'sip:10.0.0.1;lr');
  t.equal(req.contacts[0]?.uri, 'sip:alice-0x5610@192.168.1.20:5060;transport=udp');
  t.same(headerValues(req.headers, 'supported'), ['replaces', 'norefersub']);
  t.equal(req.uri?.host, 'voxbridge.example.com');
  t.equal(req.uri?.port, null);
});

t.test('Linphone-like INVITE: compact headers, folded lines, quoted param with <>', async (t) => {
  const req = request(parseSipMessage(fixture('invite-linphone.sip'), LIMITS));
  t.equal(req.callId, 'N7r9x~3jeQ');
  t.equal(req.from.displayName, 'Bob');
  t.equal(req.from.tag, 'Mz~fAq3k');
  t.equal(req.via[0]?.branch, 'z9hG4bK.Xk2uR9pQ');
  t.equal(req.contacts.length, 1);
  t.equal(req.contacts[0]?.uri, 'sip:bob@192.168.1.30:5062;transport=udp');
  t.same(headerValues(req.headers, 'supported'), ['replaces', 'outbound', 'gruu'], 'folded list joined then split');
  t.equal(headerValue(req.headers, 'subject'), 'a folded subject line');
  t.equal(headerValue(req.headers, 'content-type'), 'application/sdp');
  t.equal(req.uri?.params[0]?.name, 'transport');
  t.ok(bodyText(req)?.includes('m=audio 7078'));
});

t.test('OPTIONS, BYE, CANCEL and a response', async (t) => {
  t.equal(request(parseSipMessage(fixture('options.sip'), LIMITS)).method, 'OPTIONS');
  const bye = request(parseSipMessage(fixture('bye.sip'), LIMITS));
  t.equal(bye.to.tag, 'abc123');
  t.equal(request(parseSipMessage(fixture('cancel.sip'), LIMITS)).cseq.method, 'CANCEL');
  const result = parseSipMessage(fixture('response-200-bye.sip'), LIMITS);
  t.ok(result.ok);
  const response = result.ok ? result.message : null;
  t.equal(response?.kind, 'response');
  if (response?.kind === 'response') {
    t.equal(response.status, 200);
    t.equal(response.reason, 'OK');
    t.equal(response.cseq.method, 'BYE');
  }
});

t.test('truncated messages', async (t) => {
  const body = failureOf(parseSipMessage(fixture('invite-sipp-truncated-body.sip'), LIMITS));
  t.equal(body.code, 'body-truncated');
  t.equal(body.canRespond, true, 'headers are complete, so a 400 can be sent');
  const headers = failureOf(parseSipMessage(fixture('invite-sipp-truncated-headers.sip'), LIMITS));
  t.equal(headers.code, 'no-header-end');
  t.equal(headers.canRespond, true);
});

t.test('extra bytes after Content-Length are cut off (RFC 3261 §18.3)', async (t) => {
  const data = Buffer.concat([fixture('options.sip'), Buffer.from('garbage after the message')]);
  const req = request(parseSipMessage(data, LIMITS));
  t.equal(req.body.length, 0);
});

t.test('missing Max-Forwards is tolerated as 70; leading CRLFs are skipped', async (t) => {
  const text = fixture('options.sip').toString().replace('Max-Forwards: 70\r\n', '');
  const req = request(parseSipMessage(Buffer.from(`\r\n\r\n${text}`), LIMITS));
  t.equal(req.maxForwards, 70);
});

const INVALID: ReadonlyArray<[string, string, boolean, number]> = [
  ['invalid-request-line.sip', 'bad-start-line', true, 400],
  ['invalid-version.sip', 'bad-version', true, 505],
  ['invalid-cseq.sip', 'bad-cseq', true, 400],
  ['invalid-cseq-method-mismatch.sip', 'cseq-mismatch', true, 400],
  ['invalid-missing-call-id.sip', 'missing-header', false, 400],
  ['invalid-content-length-mismatch.sip', 'body-truncated', true, 400],
  ['invalid-via.sip', 'bad-via', true, 400],
  ['invalid-header-line.sip', 'bad-header', false, 400],
  ['invalid-oversized.sip', 'too-large', true, 513],
  ['invalid-too-many-headers.sip', 'too-many-headers', true, 400],
  ['invalid-nul-byte.sip', 'nul-byte', false, 400],
];

t.test('invalid fixtures fail with a stable code, and say whether a response is possible', async (t) => {
  for (const [name, code, canRespond, status] of INVALID) {
    const error = failureOf(parseSipMessage(fixture(name), LIMITS));
    t.equal(error.code, code, `${name}: code`);
    t.equal(error.canRespond, canRespond, `${name}: canRespond`);
    if (canRespond) t.equal(error.status, status, `${name}: status`);
  }
});

t.test('limits: header line length and header count', async (t) => {
  const long = fixture('options.sip').toString().replace('Accept: application/sdp', `Accept: ${'x'.repeat(9000)}`);
  t.equal(failureOf(parseSipMessage(Buffer.from(long), LIMITS)).code, 'line-too-long');
  const few = { ...LIMITS, maxHeaders: 9 }; // the fixture has 10 header lines
  t.equal(failureOf(parseSipMessage(fixture('invite-sipp.sip'), few)).code, 'too-many-headers');
});

t.test('single-valued headers may not repeat; bare LF and odd start lines are rejected', async (t) => {
  const dup = fixture('options.sip').toString().replace('CSeq: 1 OPTIONS', 'CSeq: 1 OPTIONS\r\nCSeq: 2 OPTIONS');
  t.equal(failureOf(parseSipMessage(Buffer.from(dup), LIMITS)).code, 'duplicate-header');
  const lf = fixture('options.sip').toString().replace('Accept: application/sdp', 'Accept: application/sdp\nX-Evil: 1');
  t.equal(failureOf(parseSipMessage(Buffer.from(lf), LIMITS)).code, 'bad-line-ending');
  const responseLine = fixture('response-200-bye.sip').toString().replace('SIP/2.0 200 OK', 'SIP/2.0 2000 OK');
  const bad = failureOf(parseSipMessage(Buffer.from(responseLine), LIMITS));
  t.equal(bad.code, 'bad-start-line');
  t.equal(bad.canRespond, false, 'malformed responses are never answered');
  t.equal(failureOf(parseSipMessage(Buffer.from('\r\n\r\n'), LIMITS)).code, 'empty');
});

t.test('an ACK is never answerable', async (t) => {
  const ack = fixture('cancel.sip').toString().replaceAll('CANCEL', 'ACK').replace('CSeq: 1 ACK', 'CSeq: x ACK');
  const error = failureOf(parseSipMessage(Buffer.from(ack), LIMITS));
  t.equal(error.code, 'bad-cseq');
  t.equal(error.canRespond, false);
});

t.test('mutated and truncated fixtures never throw', async (t) => {
  const sources = ['invite-sipp.sip', 'invite-baresip.sip', 'invite-linphone.sip', 'options.sip', 'response-200-bye.sip'].map(fixture);
  const next = prng(12345);
  let parsed = 0;
  let failed = 0;
  let thrown = 0;
  for (let i = 0; i < 3000; i++) {
    const source = sources[i % sources.length] ?? Buffer.alloc(0);
    const data = Buffer.from(source.subarray(0, next() % (source.length + 1)));
    for (let flips = next() % 6; flips > 0 && data.length > 0; flips--) data[next() % data.length] = next() & 0xff;
    try {
      if (parseSipMessage(data, LIMITS).ok) parsed++;
      else failed++;
    } catch {
      thrown++;
    }
  }
  t.equal(thrown, 0, 'no input makes the parser throw');
  t.ok(failed > 0 && parsed > 0, 'the corpus exercises both outcomes');
});
