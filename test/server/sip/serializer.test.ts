import t from 'tap';
import { parseSipMessage } from '../../../server/sip/parser.js';
import { serializeMessage, serializeRequest, serializeResponse } from '../../../server/sip/serializer.js';
import type { SipMessage } from '../../../server/sip/message.js';
import { fixture, LIMITS } from './fixtures/fixture-files.js';

function parse(data: Buffer): SipMessage {
  const result = parseSipMessage(data, LIMITS);
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.reason}`);
  return result.message;
}

/** What a round trip must keep: everything but header spelling, folding and compact names. */
function essence(message: SipMessage): unknown {
  const { headers, body, ...typed } = message;
  return { typed, headers: headers.map((h) => [h.name, h.value]), body: body.toString('latin1') };
}

t.test('parse → serialize → parse keeps every field', async (t) => {
  for (const name of ['invite-sipp.sip', 'invite-baresip.sip', 'invite-linphone.sip', 'options.sip', 'bye.sip', 'cancel.sip', 'response-200-bye.sip']) {
    const first = parse(fixture(name));
    const bytes = serializeMessage(first);
    const second = parse(bytes);
    t.same(essence(second), essence(first), name);
    t.same(serializeMessage(second), bytes, `${name}: serialization is stable`);
  }
});

t.test('the SIPp INVITE serializes back to its exact bytes', async (t) => {
  const data = fixture('invite-sipp.sip');
  t.equal(serializeMessage(parse(data)).toString('latin1'), data.toString('latin1'));
});

t.test('compact names come out long and canonical; Content-Length is computed', async (t) => {
  const text = serializeMessage(parse(fixture('invite-linphone.sip'))).toString();
  t.match(text, /\r\nVia: SIP\/2\.0\/UDP 192\.168\.1\.30:5062;branch=z9hG4bK\.Xk2uR9pQ;rport\r\n/);
  t.match(text, /\r\nCall-ID: N7r9x~3jeQ\r\n/);
  t.match(text, /\r\nSupported: replaces\r\nSupported: outbound\r\nSupported: gruu\r\n/);
  t.match(text, /\r\nSubject: a folded subject line\r\n/);
  t.notMatch(text, /\r\nl: /);
  t.match(text, /\r\nContent-Length: 145\r\n\r\nv=0/);
});

t.test('requests and responses from parts; a reason phrase cannot break the line', async (t) => {
  const req = serializeRequest('OPTIONS', 'sip:a@b', [{ name: 'content-length', value: '999' }, { name: 'call-id', value: 'x' }], 'hi');
  t.equal(req.toString(), 'OPTIONS sip:a@b SIP/2.0\r\nCall-ID: x\r\nContent-Length: 2\r\n\r\nhi');
  t.equal(serializeResponse(486, null, []).toString(), 'SIP/2.0 486 Busy Here\r\nContent-Length: 0\r\n\r\n');
  t.equal(serializeResponse(499, 'Bad\r\nX-Injected: 1', []).toString().split('\r\n')[0], 'SIP/2.0 499 Bad X-Injected: 1');
  t.equal(serializeResponse(299, null, []).toString().split('\r\n')[0], 'SIP/2.0 299 Success');
  const utf8 = serializeResponse(200, null, [], 'é');
  t.match(utf8.toString(), /Content-Length: 2\r\n/, 'Content-Length counts bytes, not characters');
});
