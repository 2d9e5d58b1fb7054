import t from 'tap';
import { SipMessage, buildResponse, paramOf, serialize, splitCommaList, uriOf } from './message.js';

const RESPONSE = [
  'SIP/2.0 200 OK',
  'v: SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bKabc;rport=5062;received=127.0.0.1',
  'Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKproxy',
  'f: <sip:tester@127.0.0.1>;tag=1',
  't: "Echo, Test" <sip:echo@127.0.0.1>;tag=srv',
  'i: abc@127.0.0.1',
  'CSeq: 1 INVITE',
  'm: <sip:echo@127.0.0.1:5060;transport=udp>',
  'Allow: INVITE, ACK,',
  ' BYE',
  'c: application/sdp',
  'l: 4',
  '',
  'v=0\r\n',
].join('\r\n');

t.test('parses a response with compact headers, folding and a body', async (t) => {
  const message = SipMessage.parse(RESPONSE);
  t.ok(message);
  if (!message) return;
  t.equal(message.kind, 'response');
  t.equal(message.status, 200);
  t.equal(message.reason, 'OK');
  t.equal(message.method, 'INVITE', 'method comes from CSeq');
  t.equal(message.callId, 'abc@127.0.0.1');
  t.equal(message.cseq, 1);
  t.equal(message.topViaBranch, 'z9hG4bKabc');
  t.equal(message.header('CONTACT'), '<sip:echo@127.0.0.1:5060;transport=udp>');
  t.equal(message.header('content-type'), 'application/sdp');
  t.same(message.headerAll('allow'), ['INVITE', 'ACK', 'BYE'], 'folded line joined, list split');
  t.same(message.headerAll('via').length, 2);
  t.equal(message.body, 'v=0\r\n');
  t.equal(paramOf(message.header('to') ?? '', 'tag'), 'srv', 'comma inside a quoted display name');
});

t.test('parses requests, refuses what is not SIP', async (t) => {
  const bye = SipMessage.parse('BYE sip:tester@127.0.0.1:5062 SIP/2.0\nCall-ID: x\nCSeq: 2 BYE\n\n');
  t.equal(bye?.kind, 'request');
  t.equal(bye?.method, 'BYE');
  t.equal(bye?.uri, 'sip:tester@127.0.0.1:5062');
  t.equal(SipMessage.parse('HTTP/1.1 200 OK\r\n\r\n'), null);
  t.equal(SipMessage.parse('INVITE sip:x SIP/2.0\r\nno colon here\r\n\r\n'), null);
  t.equal(SipMessage.parse(''), null);
});

t.test('header value helpers', async (t) => {
  t.same(splitCommaList('a, <sip:b,c>, "d,e" <f>'), ['a', '<sip:b,c>', '"d,e" <f>']);
  t.equal(uriOf('"Bob" <sip:b@h;lr>;tag=x'), 'sip:b@h;lr');
  t.equal(uriOf('sip:b@h;tag=x'), 'sip:b@h');
  t.equal(paramOf('<sip:b@h;tag=inside>;tag=outside', 'tag'), 'outside', 'URI params are not header params');
  t.equal(paramOf('<sip:b@h>', 'tag'), undefined);
});

t.test('serialize adds Content-Type and a byte-accurate Content-Length', async (t) => {
  const text = serialize({ startLine: 'OPTIONS sip:x SIP/2.0', headers: [['CSeq', '1 OPTIONS']], body: 'é\r\n', contentType: 'text/plain' });
  t.match(text, /\r\nContent-Type: text\/plain\r\nContent-Length: 4\r\n\r\né\r\n$/);
  t.match(serialize({ startLine: 'BYE sip:x SIP/2.0', headers: [] }), /Content-Length: 0\r\n\r\n$/);
});

t.test('buildResponse copies Via, From, Call-ID, CSeq and tags To once', async (t) => {
  const request = SipMessage.parse(
    'OPTIONS sip:tester@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP a;branch=z9hG4bK1\r\nVia: SIP/2.0/UDP b;branch=z9hG4bK2\r\n' +
      'From: <sip:s@h>;tag=f\r\nTo: <sip:tester@127.0.0.1>\r\nCall-ID: c\r\nCSeq: 7 OPTIONS\r\nMax-Forwards: 70\r\n\r\n',
  );
  if (!request) {
    t.fail('request did not parse');
    return;
  }
  const response = SipMessage.parse(buildResponse(request, 200, { toTag: 'me', headers: [['Allow', 'INVITE']] }));
  t.equal(response?.status, 200);
  t.equal(response?.reason, 'OK');
  t.same(response?.headerAll('via'), ['SIP/2.0/UDP a;branch=z9hG4bK1', 'SIP/2.0/UDP b;branch=z9hG4bK2']);
  t.equal(response?.header('to'), '<sip:tester@127.0.0.1>;tag=me');
  t.equal(response?.header('cseq'), '7 OPTIONS');
  t.equal(response?.header('max-forwards'), undefined, 'request-only headers are not copied');
  const tagged = SipMessage.parse(buildResponse(response ?? request, 481, { toTag: 'again' }));
  t.equal(tagged?.header('to'), '<sip:tester@127.0.0.1>;tag=me', 'an existing tag is kept');
  t.equal(tagged?.reason, 'Call/Transaction Does Not Exist');
});
