import t from 'tap';
import { connect } from 'node:net';
import type { DialogEndReason, IncomingCall } from '../../../server/signaling/backend.js';
import { bodyText, headerValue } from '../../../server/sip/message.js';
import { startBackend } from '../sip/fixtures/backend-harness.js';
import { TcpPeer } from '../sip/fixtures/raw-peer.js';
import { ANSWER_SDP, OFFER_SDP, sipRequest, uniqueId } from '../sip/fixtures/sip-text.js';

t.test('UDP and TCP share the bound port (port 0 asked)', async (t) => {
  const { udpPort, tcpPort } = await startBackend(t);
  t.ok(udpPort > 0);
  t.equal(tcpPort, udpPort);
});

t.test('a call over TCP: responses on the same connection, Contact with transport=tcp, our BYE reuses it', async (t) => {
  const { backend, tcpPort } = await startBackend(t);
  const peer = await TcpPeer.connect(tcpPort);
  t.teardown(() => peer.close());
  const callId = uniqueId('tcp-');
  const incoming = new Promise<IncomingCall>((resolve) => backend.onInvite(resolve));
  const invite = sipRequest({ method: 'INVITE', port: peer.port, transport: 'TCP', callId, body: OFFER_SDP });
  // Split across writes: framing by Content-Length must reassemble it.
  peer.send(invite.slice(0, 100));
  peer.send(invite.slice(100));
  await peer.response(100, 'INVITE');
  const call = await incoming;
  t.equal(call.source.transport, 'tcp');
  t.equal(call.localAddress, '127.0.0.1');
  const answered = call.answer(ANSWER_SDP);
  const ok = await peer.response(200, 'INVITE');
  t.equal(headerValue(ok.headers, 'contact'), `<sip:127.0.0.1:${tcpPort};transport=tcp>`);
  t.equal(bodyText(ok), ANSWER_SDP);
  peer.send(sipRequest({ method: 'ACK', port: peer.port, transport: 'TCP', callId, toTag: ok.to.tag ?? '', cseq: 1 }));
  const { dialog } = await answered;
  const ended = new Promise<DialogEndReason>((resolve) => dialog.onEnded(resolve));
  const hangup = dialog.hangup();
  const bye = await peer.request('BYE');
  t.match(bye.via[0], { transport: 'TCP', port: tcpPort });
  await hangup; // answered by the peer on the same connection
  t.equal(await ended, 'local-bye');
  t.equal(backend.core.sizes.clientTransactions, 0, 'Timer K is zero on TCP');
});

t.test('a stream that breaks framing gets a 400 and is closed', async (t) => {
  const { backend, tcpPort } = await startBackend(t);
  const peer = await TcpPeer.connect(tcpPort);
  t.teardown(() => peer.close());
  peer.send(sipRequest({ method: 'OPTIONS', port: peer.port, transport: 'TCP' }).replace('Content-Length: 0', 'Content-Length: 12x'));
  const bad = await peer.response(400, 'OPTIONS');
  t.match(headerValue(bad.headers, 'warning'), /malformed Content-Length/);
  await peer.closed;
  t.equal(backend.counters().rejectedMalformed, 1);
});

t.test('an endless header section is dropped and the connection closed', async (t) => {
  const { backend, tcpPort } = await startBackend(t, { sip: { maxMessageBytes: 1024 } });
  const peer = await TcpPeer.connect(tcpPort);
  t.teardown(() => peer.close());
  peer.send(`OPTIONS sip:a@127.0.0.1 SIP/2.0\r\n${'X-Filler: aaaaaaaaaaaaaaaaaaaaaaaa\r\n'.repeat(60)}`);
  await peer.closed;
  t.equal(backend.counters().droppedMalformed, 1);
});

t.test('a malformed message inside a well-framed stream gets 400 and the connection stays', async (t) => {
  const { tcpPort } = await startBackend(t);
  const peer = await TcpPeer.connect(tcpPort);
  t.teardown(() => peer.close());
  peer.send(sipRequest({ method: 'OPTIONS', port: peer.port, transport: 'TCP' }).replace('Max-Forwards: 70', 'Max-Forwards: many'));
  await peer.response(400, 'OPTIONS');
  peer.send(sipRequest({ method: 'OPTIONS', port: peer.port, transport: 'TCP' }));
  await peer.response(200, 'OPTIONS');
});

t.test('double-CRLF keep-alive gets a CRLF pong (RFC 5626)', async (t) => {
  const { tcpPort } = await startBackend(t);
  const socket = connect({ host: '127.0.0.1', port: tcpPort });
  t.teardown(() => socket.destroy());
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  const pong = new Promise<string>((resolve) => socket.once('data', (data: Buffer) => resolve(data.toString())));
  socket.write('\r\n\r\n');
  t.equal(await pong, '\r\n');
});
