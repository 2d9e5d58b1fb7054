import t from 'tap';
import { formatVia, hasMagicCookie, parseVia, receivedVia } from '../../../../server/sip/headers/via.js';

t.test('parses protocol, transport, sent-by and params', async (t) => {
  const via = parseVia('SIP / 2.0 / udp 192.0.2.4:5060;branch=z9hG4bK776asdhds ; rport;received=192.0.2.1;ttl=16;maddr=224.2.0.1');
  t.match(via, { transport: 'UDP', host: '192.0.2.4', port: 5060, branch: 'z9hG4bK776asdhds' });
  t.same(
    via?.params.map((p) => p.name),
    ['branch', 'rport', 'received', 'ttl', 'maddr'],
  );
  t.ok(hasMagicCookie(via?.branch ?? null));
  t.notOk(hasMagicCookie('1234'));
  t.match(parseVia('SIP/2.0/TCP [2001:db8::9]:5070;branch=z9hG4bKx'), { host: '[2001:db8::9]', port: 5070 });
  t.match(parseVia('SIP/2.0/UDP host.example.com'), { host: 'host.example.com', port: null, branch: null });
});

t.test('rejects malformed Via values', async (t) => {
  for (const bad of ['SIP/2.0/UDP', 'SIP/3.0/UDP h', 'HTTP/2.0/UDP h', 'SIP/2.0/UDP h:0', 'SIP/2.0/UDP h:x', 'SIP/2.0/UDP h;branch', 'SIP/2.0 UDP h', 'SIP/2.0/UDP [::1']) {
    t.equal(parseVia(bad), null, bad);
  }
});

t.test('received/rport stamping (RFC 3261 §18.2.1, RFC 3581)', async (t) => {
  const same = parseVia('SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKa');
  if (same === null) throw new Error('parse');
  t.equal(receivedVia(same, '10.0.0.1', 5060), null, 'nothing to add when the host matches and rport was not asked');
  const stamped = receivedVia(same, '203.0.113.7', 40000);
  t.equal(stamped && formatVia(stamped), 'SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKa;received=203.0.113.7');
  const rport = parseVia('SIP/2.0/UDP 10.0.0.1:5060;rport;branch=z9hG4bKb');
  if (rport === null) throw new Error('parse');
  const filled = receivedVia(rport, '10.0.0.1', 40001);
  t.equal(filled && formatVia(filled), 'SIP/2.0/UDP 10.0.0.1:5060;rport=40001;branch=z9hG4bKb;received=10.0.0.1', 'received is added even when equal, with rport');
});
