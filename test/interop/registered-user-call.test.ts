/**
 * Calls to a registered user through the whole server (router included):
 * Bob registers, Alice calls sip:bob@server, every contact of Bob rings,
 * the first to answer is bridged to Alice (SDP passed through), the other
 * is cancelled; hold, INFO DTMF and BYE cross the bridge.
 */
import t from 'tap';
import { headerValue, type SipRequest } from '../../server/sip/message.js';
import { okFor, replyTo, UdpPeer } from '../server/sip/fixtures/raw-peer.js';
import { OFFER_SDP, sipRequest, uniqueId } from '../server/sip/fixtures/sip-text.js';
import { startServerUnderTest } from './voxbridge-under-test.js';

const BOB_SDP = OFFER_SDP.replace('tester', 'bob').replace('40000', '41000');

function register(peer: UdpPeer, user: string): string {
  return [
    'REGISTER sip:127.0.0.1 SIP/2.0',
    `Via: SIP/2.0/UDP 127.0.0.1:${peer.port};branch=${uniqueId('z9hG4bKr')};rport`,
    `From: <sip:${user}@127.0.0.1>;tag=r`,
    `To: <sip:${user}@127.0.0.1>`,
    `Call-ID: ${uniqueId('reg-')}`,
    'CSeq: 1 REGISTER',
    `Contact: <sip:${user}@127.0.0.1:${peer.port}>`,
    'Expires: 300',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

async function openPeer(t: { teardown(fn: () => unknown): void }): Promise<UdpPeer> {
  const peer = await UdpPeer.open();
  t.teardown(() => peer.close());
  return peer;
}

t.test('two contacts ring, the first answer is bridged, the other is cancelled; hold, DTMF and BYE cross', async (t) => {
  const alice = await openPeer(t);
  const bobDesk = await openPeer(t);
  const bobMobile = await openPeer(t);
  const { udp } = await startServerUnderTest(t);
  for (const peer of [bobDesk, bobMobile]) {
    await peer.send(register(peer, 'bob'), udp.port);
    await peer.response(200, 'REGISTER');
  }

  const callId = uniqueId('alice-');
  await alice.send(sipRequest({ method: 'INVITE', uri: 'sip:bob@127.0.0.1', port: alice.port, callId, body: OFFER_SDP }), udp.port);
  const [deskInvite, mobileInvite] = (await Promise.all([bobDesk.request('INVITE'), bobMobile.request('INVITE')])) as SipRequest[];
  if (deskInvite === undefined || mobileInvite === undefined) throw new Error('missing INVITE');
  t.equal(deskInvite.body.toString(), OFFER_SDP, "Alice's SDP is passed through");
  t.equal(deskInvite.from.uri.startsWith('sip:tester@'), true, "From carries Alice's user");
  t.equal(deskInvite.requestUri, `sip:bob@127.0.0.1:${bobDesk.port}`);

  await bobMobile.send(replyTo(mobileInvite, '180 Ringing', { tag: 'm' }), udp.port);
  await alice.response(180, 'INVITE');
  await bobDesk.send(replyTo(deskInvite, '200 OK', { tag: 'd', body: BOB_SDP, extra: [`Contact: <sip:bob@127.0.0.1:${bobDesk.port}>`] }), udp.port);
  await bobDesk.request('ACK');
  const cancel = await bobMobile.request('CANCEL');
  await bobMobile.send(okFor(cancel), udp.port);
  await bobMobile.send(replyTo(mobileInvite, '487 Request Terminated', { tag: 'm' }), udp.port);
  await bobMobile.request('ACK');

  const answered = await alice.response(200, 'INVITE');
  t.equal(answered.body.toString(), BOB_SDP, "Bob's answer reaches Alice");
  const toTag = answered.to.tag ?? '';
  await alice.send(sipRequest({ method: 'ACK', port: alice.port, callId, toTag, cseq: 1, uri: 'sip:bob@127.0.0.1' }), udp.port);

  // Alice holds: the re-INVITE is relayed to Bob, Bob's answer comes back.
  const hold = OFFER_SDP.replace('a=rtpmap:0 PCMU/8000\r\n', 'a=rtpmap:0 PCMU/8000\r\na=sendonly\r\n');
  await alice.send(sipRequest({ method: 'INVITE', port: alice.port, callId, toTag, cseq: 2, body: hold }), udp.port);
  const relayed = await bobDesk.request('INVITE');
  t.equal(relayed.body.toString(), hold);
  const held = BOB_SDP.replace('a=rtpmap:0 PCMU/8000\r\n', 'a=rtpmap:0 PCMU/8000\r\na=recvonly\r\n');
  await bobDesk.send(replyTo(relayed, '200 OK', { body: held, extra: [`Contact: <sip:bob@127.0.0.1:${bobDesk.port}>`] }), udp.port);
  await bobDesk.request('ACK');
  const heldOk = await alice.response(200, 'INVITE');
  t.equal(heldOk.body.toString(), held);
  await alice.send(sipRequest({ method: 'ACK', port: alice.port, callId, toTag, cseq: 2 }), udp.port);

  // DTMF by INFO is relayed.
  await alice.send(sipRequest({ method: 'INFO', port: alice.port, callId, toTag, cseq: 3, body: 'Signal=9\r\nDuration=200\r\n', contentType: 'application/dtmf-relay' }), udp.port);
  await alice.response(200, 'INFO');
  const info = await bobDesk.request('INFO');
  t.equal(headerValue(info.headers, 'content-type'), 'application/dtmf-relay');
  t.match(info.body.toString(), /Signal=9\r\nDuration=200/);
  await bobDesk.send(okFor(info), udp.port);

  // Bob hangs up: Alice gets a BYE.
  await bobDesk.send(
    [
      `BYE sip:127.0.0.1:${udp.port} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${bobDesk.port};branch=${uniqueId('z9hG4bKbye')};rport`,
      `From: <sip:bob@127.0.0.1:${bobDesk.port}>;tag=d`,
      `To: ${headerValue(deskInvite.headers, 'from') ?? ''}`,
      `Call-ID: ${deskInvite.callId}`,
      'CSeq: 2 BYE',
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n'),
    udp.port,
  );
  await bobDesk.response(200, 'BYE');
  const bye = await alice.request('BYE');
  t.equal(bye.callId, callId);
});

t.test('nobody registered: 404; every contact failing: the best failure', async (t) => {
  const alice = await openPeer(t);
  const bob = await openPeer(t);
  const { udp } = await startServerUnderTest(t);
  await alice.send(sipRequest({ method: 'INVITE', uri: 'sip:nobody@127.0.0.1', port: alice.port, body: OFFER_SDP }), udp.port);
  await alice.response(404, 'INVITE');
  await bob.send(register(bob, 'bob'), udp.port);
  await bob.response(200, 'REGISTER');
  await alice.send(sipRequest({ method: 'INVITE', uri: 'sip:bob@127.0.0.1', port: alice.port, callId: uniqueId('busy-'), body: OFFER_SDP }), udp.port);
  const invite = await bob.request('INVITE');
  await bob.send(replyTo(invite, '486 Busy Here', { tag: 'b' }), udp.port);
  await bob.request('ACK');
  await alice.response(486, 'INVITE');
});
