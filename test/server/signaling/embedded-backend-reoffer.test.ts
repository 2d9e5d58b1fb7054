import t from 'tap';
import { headerValue, headerValues } from '../../../server/sip/message.js';
import { answeredCall } from '../sip/fixtures/answered-call.js';
import { ManualScheduler } from '../sip/fixtures/manual-scheduler.js';
import { okFor } from '../sip/fixtures/raw-peer.js';
import { OFFER_SDP } from '../sip/fixtures/sip-text.js';

const HOLD_SDP = OFFER_SDP.replace('a=rtpmap:0 PCMU/8000\r\n', 'a=rtpmap:0 PCMU/8000\r\na=sendonly\r\n');

function withBody(response: string, body: string): string {
  return response.replace('Content-Length: 0\r\n\r\n', `Content-Type: application/sdp\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}

t.test('reoffer: re-INVITE with our SDP through the Record-Route set, ACK for the 200, the answer returned', async (t) => {
  const { dialog, peer, udpPort } = await answeredCall(t, {
    // Both proxies are really the peer: the request must go to the first one, naming both in Route.
    inviteExtra: (port) => [`Record-Route: <sip:127.0.0.1:${port};lr;x=1>, <sip:127.0.0.1:${port};lr;x=2>`],
  });
  const answer = dialog.reoffer(HOLD_SDP);
  const reinvite = await peer.request('INVITE');
  t.same(headerValues(reinvite.headers, 'route'), [`<sip:127.0.0.1:${peer.port};lr;x=1>`, `<sip:127.0.0.1:${peer.port};lr;x=2>`]);
  t.match(reinvite.requestUri, /^sip:tester@127\.0\.0\.1:\d+$/, 'Request-URI: the remote target (loose routing)');
  t.ok(headerValue(reinvite.headers, 'contact'), 're-INVITE carries our Contact');
  t.equal(reinvite.body.toString(), HOLD_SDP);
  await peer.send(withBody(okFor(reinvite), OFFER_SDP.replace('a=rtpmap:0 PCMU/8000\r\n', 'a=rtpmap:0 PCMU/8000\r\na=recvonly\r\n')), udpPort);
  const ack = await peer.request('ACK');
  t.equal(ack.cseq.seq, reinvite.cseq.seq);
  t.same(headerValues(ack.headers, 'route').length, 2, 'the ACK follows the route set too');
  t.match(await answer, /a=recvonly/);
});

t.test('glare: a 491 to our re-INVITE is retried after the random wait; theirs meanwhile gets 491', async (t) => {
  const clock = new ManualScheduler();
  const { dialog, peer, udpPort, send } = await answeredCall(t, { scheduler: clock });
  const answer = dialog.reoffer(HOLD_SDP);
  const first = await peer.request('INVITE');
  // Their own re-INVITE crosses ours: 491 from us.
  await send('INVITE', { cseq: 2, body: OFFER_SDP });
  await peer.response(491, 'INVITE');
  await peer.send(okFor(first).replace('200 OK', '491 Request Pending'), udpPort);
  await peer.request('ACK'); // the transaction ACKs the 491
  clock.advance(2000); // we are not the Call-ID owner: 0-2 s (RFC 3261 §14.1)
  const retry = await peer.request('INVITE');
  t.ok(retry.cseq.seq > first.cseq.seq, 'a new transaction with a higher CSeq');
  await peer.send(withBody(okFor(retry), OFFER_SDP), udpPort);
  await peer.request('ACK');
  t.equal(await answer, OFFER_SDP);
});

t.test('a refused reoffer rejects with its status; 481 also ends the dialog', async (t) => {
  const { dialog, peer, udpPort } = await answeredCall(t);
  const refused = dialog.reoffer(HOLD_SDP);
  const first = await peer.request('INVITE');
  await peer.send(okFor(first).replace('200 OK', '488 Not Acceptable Here'), udpPort);
  await t.rejects(refused, { name: 'SipError', status: 488 });
  t.equal(dialog.ended, false);
  const gone = dialog.reoffer(HOLD_SDP);
  const second = await peer.request('INVITE');
  await peer.send(okFor(second).replace('200 OK', '481 Call/Transaction Does Not Exist'), udpPort);
  await t.rejects(gone, { name: 'SipError', status: 481 });
  t.equal(dialog.ended, true);
  await t.rejects(dialog.reoffer(HOLD_SDP), { name: 'SipError', status: 481 });
});

t.test('hold and resume from the far end: the offer reaches onOffer, the answer goes back', async (t) => {
  const { dialog, send, peer } = await answeredCall(t);
  const offers: Array<string | null> = [];
  dialog.onOffer(async (offer) => {
    offers.push(offer);
    return (offer ?? '').includes('sendonly') ? 'v=0\r\na=recvonly\r\n' : 'v=0\r\na=sendrecv\r\n';
  });
  await send('INVITE', { cseq: 2, body: HOLD_SDP });
  const held = await peer.response(200, 'INVITE');
  t.equal(held.body.toString(), 'v=0\r\na=recvonly\r\n');
  await send('ACK', { cseq: 2 });
  await send('UPDATE', { cseq: 3, body: OFFER_SDP });
  const resumed = await peer.response(200, 'UPDATE');
  t.equal(resumed.body.toString(), 'v=0\r\na=sendrecv\r\n');
  t.equal(offers.length, 2);
});
