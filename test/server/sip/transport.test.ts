import t from 'tap';
import { parseSipMessage } from '../../../server/sip/parser.js';
import { responseDestination, stampReceivedVia, type Flow } from '../../../server/sip/transport.js';
import { headerValue, type SipRequest } from '../../../server/sip/message.js';
import { fixture, LIMITS } from './fixtures/fixture-files.js';

function invite(via: string): SipRequest {
  const text = fixture('invite-sipp.sip').toString().replace('Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-4242-1-0', `Via: ${via}`);
  const result = parseSipMessage(Buffer.from(text), LIMITS);
  if (!result.ok || result.message.kind !== 'request') throw new Error('parse');
  return result.message;
}

const udpFlow: Flow = { transport: 'udp', remoteAddress: '203.0.113.5', remotePort: 40000, localAddress: '0.0.0.0', localPort: 5060, connection: null };

t.test('UDP with rport: back to the source address and port (RFC 3581)', async (t) => {
  const request = invite('SIP/2.0/UDP 10.0.0.2:5060;rport;branch=z9hG4bKa');
  stampReceivedVia(request, udpFlow);
  t.equal(headerValue(request.headers, 'via'), 'SIP/2.0/UDP 10.0.0.2:5060;rport=40000;branch=z9hG4bKa;received=203.0.113.5', 'the copied field is rewritten too');
  t.same(responseDestination(request, udpFlow), { transport: 'udp', address: '203.0.113.5', port: 40000, connection: null });
});

t.test('UDP without rport: received address, sent-by port (RFC 3261 §18.2.2)', async (t) => {
  const request = invite('SIP/2.0/UDP 10.0.0.2:5070;branch=z9hG4bKb');
  stampReceivedVia(request, udpFlow);
  t.same(responseDestination(request, udpFlow), { transport: 'udp', address: '203.0.113.5', port: 5070, connection: null });
  const noPort = invite('SIP/2.0/UDP 203.0.113.5;branch=z9hG4bKc');
  stampReceivedVia(noPort, udpFlow);
  t.equal(noPort.via[0]?.params.length, 1, 'no received added when the host matches');
  t.same(responseDestination(noPort, udpFlow), { transport: 'udp', address: '203.0.113.5', port: 5060, connection: null });
  const maddr = invite('SIP/2.0/UDP 10.0.0.2:5080;maddr=198.51.100.9;branch=z9hG4bKd');
  t.same(responseDestination(maddr, udpFlow), { transport: 'udp', address: '198.51.100.9', port: 5080, connection: null });
});

t.test('TCP: the same connection, falling back to received + sent-by port', async (t) => {
  const connection = { id: 1, closed: false, write: () => true };
  const flow: Flow = { ...udpFlow, transport: 'tcp', connection };
  const request = invite('SIP/2.0/TCP 10.0.0.2:5090;branch=z9hG4bKe');
  t.same(responseDestination(request, flow), { transport: 'tcp', address: '203.0.113.5', port: 5090, connection });
});
