import t from 'tap';
import { bareHost, bracketHost, formatSipUri, isAbsoluteUri, parseHostPort, parseSipUri } from '../../../server/sip/uri.js';

t.test('parses user, password, host, port, params and headers', async (t) => {
  const uri = parseSipUri('sips:alice:secret@example.com:5061;transport=tcp;lr?subject=hi&priority=urgent');
  t.match(uri, { scheme: 'sips', user: 'alice', password: 'secret', host: 'example.com', port: 5061 });
  t.same(uri?.params, [
    { name: 'transport', value: 'tcp' },
    { name: 'lr', value: null },
  ]);
  t.same(uri?.headers, [
    { name: 'subject', value: 'hi' },
    { name: 'priority', value: 'urgent' },
  ]);
  if (uri === null) throw new Error('unparsable');
  t.equal(formatSipUri(uri), 'sips:alice:secret@example.com:5061;transport=tcp;lr?subject=hi&priority=urgent');
});

t.test('host-only, IPv6, telephone-subscriber user with ;', async (t) => {
  t.match(parseSipUri('sip:127.0.0.1'), { user: null, host: '127.0.0.1', port: null });
  t.match(parseSipUri('SIP:[2001:db8::1]:5070'), { scheme: 'sip', host: '[2001:db8::1]', port: 5070 });
  t.match(parseSipUri('sip:+1-212-555-1212;phone-context=example.com@gw.example.com;user=phone'), {
    user: '+1-212-555-1212;phone-context=example.com',
    host: 'gw.example.com',
  });
  t.match(parseSipUri('sip:host?x=a@b'), { user: null, host: 'host' }, "an '@' in the headers is not userinfo");
});

t.test('rejects what is not a SIP URI', async (t) => {
  for (const bad of ['tel:+123', 'sip:', 'sip:@host', 'sip:host:0', 'sip:host:99999', 'sip:ho st', 'sip:[::1', 'sip:host;=x', 'sip:a@host:port']) {
    t.equal(parseSipUri(bad), null, bad);
  }
  t.ok(isAbsoluteUri('tel:+123'));
  t.ok(isAbsoluteUri('urn:service:sos'));
  t.notOk(isAbsoluteUri('no-scheme'));
  t.notOk(isAbsoluteUri('sip:a b'));
  t.notOk(isAbsoluteUri('1sip:x'));
});

t.test('host helpers', async (t) => {
  t.same(parseHostPort('example.com:5060'), { host: 'example.com', port: 5060 });
  t.same(parseHostPort('[::1]'), { host: '[::1]', port: null });
  t.equal(parseHostPort('host:'), null);
  t.equal(bareHost('[::1]'), '::1');
  t.equal(bracketHost('::1'), '[::1]');
  t.equal(bracketHost('10.0.0.1'), '10.0.0.1');
});
