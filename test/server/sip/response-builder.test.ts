import t from 'tap';
import { parseSipMessage } from '../../../server/sip/parser.js';
import { buildResponse, safeHeaderValue, warningField } from '../../../server/sip/response-builder.js';
import { headerValue, headerValues, type SipRequest, type SipResponse } from '../../../server/sip/message.js';
import { fixture, LIMITS } from './fixtures/fixture-files.js';

function parseRequest(name: string): SipRequest {
  const result = parseSipMessage(fixture(name), LIMITS);
  if (!result.ok || result.message.kind !== 'request') throw new Error('fixture');
  return result.message;
}

function parseResponse(data: Buffer): SipResponse {
  const result = parseSipMessage(data, LIMITS);
  if (!result.ok || result.message.kind !== 'response') throw new Error('response did not parse');
  return result.message;
}

t.test('copies Via (all), From, To + our tag, Call-ID, CSeq; adds Server and Content-Length', async (t) => {
  const req = parseRequest('invite-baresip.sip');
  const res = parseResponse(
    buildResponse(req.headers, 180, { server: 'voxbridge-test', toTag: 'ourtag', copyRecordRoute: true, headers: [{ name: 'contact', value: '<sip:127.0.0.1:5060>' }] }),
  );
  t.equal(res.status, 180);
  t.equal(res.reason, 'Ringing');
  t.same(headerValues(res.headers, 'via'), headerValues(req.headers, 'via'));
  t.equal(headerValue(res.headers, 'from'), headerValue(req.headers, 'from'));
  t.equal(res.to.tag, 'ourtag');
  t.equal(res.callId, req.callId);
  t.same(res.cseq, req.cseq);
  t.same(headerValues(res.headers, 'record-route'), ['<sip:10.0.0.1;lr>']);
  t.equal(headerValue(res.headers, 'server'), 'voxbridge-test');
  t.equal(headerValue(res.headers, 'content-length'), '0');
  t.equal(headerValue(res.headers, 'user-agent'), undefined, 'request-only headers are not copied');
});

t.test('100 Trying has no To tag; an existing To tag is kept', async (t) => {
  const req = parseRequest('invite-sipp.sip');
  t.equal(parseResponse(buildResponse(req.headers, 100, { server: 's', toTag: 'x' })).to.tag, null);
  const bye = parseRequest('bye.sip');
  t.equal(parseResponse(buildResponse(bye.headers, 200, { server: 's', toTag: 'other' })).to.tag, 'abc123');
  t.equal(headerValues(parseResponse(buildResponse(req.headers, 200, { server: 's', toTag: 'x' })).headers, 'record-route').length, 0);
});

t.test('Warning text is escaped and bounded; app header values cannot inject lines', async (t) => {
  const warning = warningField('10.0.0.1', 'bad "thing" \\ here\r\nX-Evil: 1');
  t.equal(warning.value, '399 10.0.0.1 "bad \\"thing\\" \\\\ here X-Evil: 1"');
  t.ok(warningField('h', 'x'.repeat(1000)).value.length < 230);
  t.equal(safeHeaderValue(' 5\r\nX-Evil: 1 '), '5 X-Evil: 1');
});
