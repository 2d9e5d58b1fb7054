import t from 'tap';
import { headerValue, headerValues } from '../../../server/sip/message.js';
import { startBackend } from '../sip/fixtures/backend-harness.js';
import { ManualScheduler } from '../sip/fixtures/manual-scheduler.js';
import { okFor, replyTo, UdpPeer } from '../sip/fixtures/raw-peer.js';
import { ANSWER_SDP, OFFER_SDP } from '../sip/fixtures/sip-text.js';

const reply = replyTo;

async function setup(t: Parameters<typeof startBackend>[0], scheduler?: ManualScheduler) {
  const peer = await UdpPeer.open();
  t.teardown(() => peer.close());
  const running = await startBackend(t, { scheduler });
  return { peer, ...running };
}

t.test('INVITE with our offer, progress, 200 with Record-Route, ACK to the Contact, BYE through the routes', async (t) => {
  const { peer, backend, udpPort } = await setup(t);
  const localAddresses: string[] = [];
  const call = backend.placeCall({
    target: `sip:bob@127.0.0.1:${peer.port}`,
    fromUser: 'conf-7',
    fromDisplayName: 'Room "7"',
    headers: { 'X-Room': 'seven', Via: 'ignored' },
    offer: async (localAddress) => {
      localAddresses.push(localAddress);
      return OFFER_SDP;
    },
  });
  const progress: Array<[number, string | null]> = [];
  call.onProgress((status, sdp) => progress.push([status, sdp]));
  const invite = await peer.request('INVITE');
  t.same(localAddresses, ['127.0.0.1']);
  t.equal(invite.requestUri, `sip:bob@127.0.0.1:${peer.port}`);
  t.equal(invite.callId, call.callId);
  t.equal(invite.from.displayName, 'Room "7"');
  t.match(invite.from.uri, /^sip:conf-7@127\.0\.0\.1$/);
  t.ok(invite.from.tag);
  t.equal(invite.to.tag, null);
  t.equal(headerValue(invite.headers, 'contact'), `<sip:127.0.0.1:${udpPort}>`);
  t.equal(headerValue(invite.headers, 'x-room'), 'seven');
  t.equal(headerValues(invite.headers, 'via').length, 1, 'app headers cannot add a Via');
  t.equal(headerValue(invite.headers, 'session-expires'), '1800', 'we ask for a session timer and let the UAS pick the refresher');
  t.same(headerValues(invite.headers, 'supported'), ['timer', '100rel']);
  t.equal(invite.body.toString(), OFFER_SDP);

  await peer.send(reply(invite, '100 Trying'), udpPort);
  await peer.send(reply(invite, '180 Ringing', { tag: 'b1', extra: [`Contact: <sip:bob@127.0.0.1:${peer.port}>`] }), udpPort);
  await peer.send(
    reply(invite, '200 OK', {
      tag: 'b1',
      body: ANSWER_SDP,
      extra: [
        `Contact: <sip:bob@127.0.0.1:${peer.port};ob>`,
        `Record-Route: <sip:127.0.0.1:${peer.port};lr;hop=2>`,
        `Record-Route: <sip:127.0.0.1:${peer.port};lr;hop=1>`,
        'Session-Expires: 1800;refresher=uas',
        'Allow: INVITE, ACK, BYE, UPDATE',
      ],
    }),
    udpPort,
  );
  const ack = await peer.request('ACK');
  t.equal(ack.requestUri, `sip:bob@127.0.0.1:${peer.port};ob`, 'ACK to the 2xx Contact');
  t.same(headerValues(ack.headers, 'route'), [`<sip:127.0.0.1:${peer.port};lr;hop=1>`, `<sip:127.0.0.1:${peer.port};lr;hop=2>`], 'UAC route set: Record-Route reversed');
  t.same(ack.cseq, { seq: invite.cseq.seq, method: 'ACK' });
  t.equal(ack.to.tag, 'b1');
  const answered = await call.answered;
  t.equal(answered.answer, ANSWER_SDP);
  t.same(progress, [[180, null]], '100 is not reported');

  // A retransmitted 200 is ACKed again.
  await peer.send(reply(invite, '200 OK', { tag: 'b1', body: ANSWER_SDP, extra: [`Contact: <sip:bob@127.0.0.1:${peer.port};ob>`] }), udpPort);
  await peer.request('ACK');

  peer.autoAnswerBye = true;
  await answered.dialog.hangup();
  const bye = await peer.request('BYE');
  t.equal(bye.requestUri, `sip:bob@127.0.0.1:${peer.port};ob`);
  t.ok(bye.cseq.seq > invite.cseq.seq);
  t.equal(bye.from.tag, invite.from.tag);
});

t.test('a failure response is ACKed by the transaction and rejects with its status', async (t) => {
  const { peer, backend, udpPort } = await setup(t);
  const call = backend.placeCall({ target: `sip:busy@127.0.0.1:${peer.port}`, offer: OFFER_SDP });
  const invite = await peer.request('INVITE');
  await peer.send(reply(invite, '486 Busy Here', { tag: 'x' }), udpPort);
  const ack = await peer.request('ACK');
  t.equal(headerValue(ack.headers, 'via')?.includes(invite.via[0]?.branch ?? 'none'), true, 'same branch as the INVITE');
  t.equal(ack.to.tag, 'x');
  await t.rejects(call.answered, { status: 486, code: 'ERR_SIP_STATUS' });
});

t.test('3xx is followed to its Contact (a new INVITE, same Call-ID, higher CSeq)', async (t) => {
  const { peer, backend, udpPort } = await setup(t);
  const call = backend.placeCall({ target: `sip:old@127.0.0.1:${peer.port}`, offer: OFFER_SDP });
  const first = await peer.request('INVITE');
  await peer.send(reply(first, '302 Moved Temporarily', { tag: 'r', extra: [`Contact: <sip:new@127.0.0.1:${peer.port}>`] }), udpPort);
  await peer.request('ACK');
  const second = await peer.request('INVITE');
  t.equal(second.requestUri, `sip:new@127.0.0.1:${peer.port}`);
  t.equal(second.callId, first.callId);
  t.ok(second.cseq.seq > first.cseq.seq);
  await peer.send(reply(second, '200 OK', { tag: 'n', body: ANSWER_SDP, extra: [`Contact: <sip:new@127.0.0.1:${peer.port}>`] }), udpPort);
  await peer.request('ACK');
  t.equal((await call.answered).answer, ANSWER_SDP);
});

t.test('ring timeout: CANCEL once ringing, 487 ACKed, rejects 408', async (t) => {
  const clock = new ManualScheduler();
  const { peer, backend, udpPort } = await setup(t, clock);
  const call = backend.placeCall({ target: `sip:slow@127.0.0.1:${peer.port}`, offer: OFFER_SDP, ringTimeoutMs: 5000 });
  const invite = await peer.request('INVITE');
  await peer.send(reply(invite, '180 Ringing', { tag: 'z' }), udpPort);
  await peer.flush(udpPort); // the 180 is handled before time moves
  clock.advance(5000);
  const cancel = await peer.request('CANCEL');
  t.equal(cancel.via[0]?.branch, invite.via[0]?.branch, 'CANCEL shares the INVITE branch');
  t.same(cancel.cseq, { seq: invite.cseq.seq, method: 'CANCEL' });
  t.equal(cancel.to.tag, null, 'CANCEL copies the INVITE To (no tag)');
  await peer.send(okFor(cancel), udpPort);
  await peer.send(reply(invite, '487 Request Terminated', { tag: 'z' }), udpPort);
  await peer.request('ACK');
  await t.rejects(call.answered, { name: 'SipError', status: 408 });
});

t.test('cancel() before any provisional waits for one (RFC 3261 §9.1); then 487 rejects ERR_SIP_CANCELLED', async (t) => {
  const { peer, backend, udpPort } = await setup(t);
  const call = backend.placeCall({ target: `sip:x@127.0.0.1:${peer.port}`, offer: OFFER_SDP });
  const invite = await peer.request('INVITE');
  call.cancel();
  await peer.send(reply(invite, '100 Trying'), udpPort);
  const cancel = await peer.request('CANCEL');
  await peer.send(okFor(cancel), udpPort);
  await peer.send(reply(invite, '487 Request Terminated', { tag: 'q' }), udpPort);
  await t.rejects(call.answered, { status: 487, code: 'ERR_SIP_CANCELLED' });
});

t.test('a reliable 180 is PRACKed once; a second fork’s 200 is ACKed and hung up', async (t) => {
  const { peer, backend, udpPort } = await setup(t);
  const call = backend.placeCall({ target: `sip:rel@127.0.0.1:${peer.port}`, offer: OFFER_SDP });
  const invite = await peer.request('INVITE');
  const reliable = reply(invite, '180 Ringing', { tag: 'p', extra: ['Require: 100rel', 'RSeq: 42', `Contact: <sip:rel@127.0.0.1:${peer.port}>`] });
  await peer.send(reliable, udpPort);
  await peer.send(reliable, udpPort); // a retransmission: no second PRACK
  const prack = await peer.request('PRACK');
  t.equal(headerValue(prack.headers, 'rack'), `42 ${invite.cseq.seq} INVITE`);
  t.equal(prack.to.tag, 'p');
  t.ok(prack.cseq.seq > invite.cseq.seq);
  await peer.send(okFor(prack), udpPort);
  await peer.send(reply(invite, '200 OK', { tag: 'p', body: ANSWER_SDP, extra: [`Contact: <sip:rel@127.0.0.1:${peer.port}>`] }), udpPort);
  const ack = await peer.request('ACK');
  t.equal(ack.to.tag, 'p');
  const { dialog } = await call.answered;
  await peer.send(reply(invite, '200 OK', { tag: 'other-fork', body: ANSWER_SDP, extra: [`Contact: <sip:fork@127.0.0.1:${peer.port}>`] }), udpPort);
  const forkAck = await peer.request('ACK');
  t.equal(forkAck.to.tag, 'other-fork');
  const forkBye = await peer.request('BYE');
  t.equal(forkBye.to.tag, 'other-fork');
  t.equal(peer.queued.filter((m) => m.kind === 'request' && m.method === 'PRACK').length, 0, 'one PRACK only');
  t.equal(dialog.ended, false, 'the first answer stays up');
});

t.test('no response at all: Timer B rejects 408; an unroutable target rejects at once', async (t) => {
  const clock = new ManualScheduler();
  const { peer, backend } = await setup(t, clock);
  const call = backend.placeCall({ target: `sip:mute@127.0.0.1:${peer.port}`, offer: OFFER_SDP });
  await peer.request('INVITE');
  clock.advance(64 * 500);
  await t.rejects(call.answered, { name: 'SipError', status: 408 });
  await t.rejects(backend.placeCall({ target: 'tel:+15551234', offer: OFFER_SDP }).answered, { name: 'SipError', status: 416 });
  await t.rejects(backend.placeCall({ offer: OFFER_SDP }).answered, { name: 'SipError', status: 400 });
});
