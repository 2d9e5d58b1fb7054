import t from 'tap';
import { buildInDialogRequest, destinationFor, routeRequest } from '../../../server/sip/request-builder.js';
import { parseSipMessage } from '../../../server/sip/parser.js';
import type { Flow } from '../../../server/sip/transport.js';
import { LIMITS } from './fixtures/fixture-files.js';

const udpFlow: Flow = { transport: 'udp', remoteAddress: '192.0.2.1', remotePort: 5062, localAddress: '127.0.0.1', localPort: 5060, connection: null };

t.test('routing (RFC 3261 §12.2.1.1)', async (t) => {
  t.same(routeRequest('sip:bob@192.0.2.4', []), { requestUri: 'sip:bob@192.0.2.4', routes: [], nextHop: 'sip:bob@192.0.2.4' });
  t.same(routeRequest('sip:bob@192.0.2.4', ['<sip:p1.example.com;lr>', '<sip:p2.example.com;lr>']), {
    requestUri: 'sip:bob@192.0.2.4',
    routes: ['<sip:p1.example.com;lr>', '<sip:p2.example.com;lr>'],
    nextHop: 'sip:p1.example.com;lr',
  });
  t.same(routeRequest('sip:bob@192.0.2.4', ['<sip:strict.example.com>', '<sip:p2.example.com;lr>']), {
    requestUri: 'sip:strict.example.com',
    routes: ['<sip:p2.example.com;lr>', '<sip:bob@192.0.2.4>'],
    nextHop: 'sip:strict.example.com',
  });
});

t.test('destination from the next hop URI, or the live connection', async (t) => {
  t.same(destinationFor('sip:bob@192.0.2.4:5070', udpFlow), { transport: 'udp', address: '192.0.2.4', port: 5070, connection: null });
  t.same(destinationFor('sip:bob@[2001:db8::4];transport=TCP', udpFlow), { transport: 'tcp', address: '2001:db8::4', port: 5060, connection: null });
  t.same(destinationFor('sip:bob@host;maddr=192.0.2.9', udpFlow), { transport: 'udp', address: '192.0.2.9', port: 5060, connection: null });
  t.equal(destinationFor('sip:bob@host;transport=sctp', udpFlow), null);
  t.equal(destinationFor('tel:+1555', udpFlow), null);
  const connection = { id: 7, closed: false, write: () => true };
  const tcpFlow: Flow = { ...udpFlow, transport: 'tcp', connection };
  t.same(destinationFor('sip:bob@192.0.2.4:5070', tcpFlow), { transport: 'tcp', address: '192.0.2.1', port: 5062, connection });
  t.same(destinationFor('sip:bob@192.0.2.4:5070', { ...tcpFlow, connection: { ...connection, closed: true } }), {
    transport: 'tcp',
    address: '192.0.2.4',
    port: 5070,
    connection: null,
  });
});

t.test('a BYE that parses back with what we put in', async (t) => {
  const { bytes, branch } = buildInDialogRequest({
    method: 'BYE',
    routing: routeRequest('sip:bob@192.0.2.4', ['<sip:p1.example.com;lr>']),
    callId: 'abc@host',
    from: '<sip:echo@voxbridge>;tag=ours',
    to: '"Bob" <sip:bob@example.com>;tag=theirs',
    cseq: 42,
    transport: 'tcp',
    localAddress: '::1',
    localPort: 5060,
    userAgent: 'voxbridge-test',
  });
  const result = parseSipMessage(bytes, LIMITS);
  if (!result.ok || result.message.kind !== 'request') throw new Error('our BYE does not parse');
  const bye = result.message;
  t.equal(bye.requestUri, 'sip:bob@192.0.2.4');
  t.match(bye.via[0], { transport: 'TCP', host: '[::1]', port: 5060, branch });
  t.equal(bye.routes[0]?.uri, 'sip:p1.example.com;lr');
  t.same(bye.cseq, { seq: 42, method: 'BYE' });
  t.equal(bye.from.tag, 'ours');
  t.equal(bye.to.tag, 'theirs');
  t.equal(bye.maxForwards, 70);
});
