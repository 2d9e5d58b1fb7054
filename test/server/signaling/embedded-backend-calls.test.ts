import t from 'tap';
import type { AnsweredCall, DialogEndReason, IncomingCall } from '../../../server/signaling/backend.js';
import { SipError } from '../../../server/sip/errors.js';
import { bodyText, headerValue } from '../../../server/sip/message.js';
import { startBackend } from '../sip/fixtures/backend-harness.js';
import { UdpPeer } from '../sip/fixtures/raw-peer.js';
import { ANSWER_SDP, OFFER_SDP, sipRequest, uniqueId } from '../sip/fixtures/sip-text.js';

function nextCall(backend: { onInvite(handler: (call: IncomingCall) => void): void }): Promise<IncomingCall> {
  return new Promise((resolve) => backend.onInvite(resolve));
}

async function openPeer(t: { teardown(fn: () => unknown): void }): Promise<UdpPeer> {
  const peer = await UdpPeer.open();
  t.teardown(() => peer.close());
  return peer;
}

t.test('INVITE → 100 → 200 → ACK → remote BYE over UDP', async (t) => {
  const peer = await openPeer(t); // opened first: teardowns run last-in first-out, so the backend closes while the peer still answers
  const { backend, udpPort } = await startBackend(t);
  const callId = uniqueId('call-');
  const incoming = nextCall(backend);
  await peer.send(sipRequest({ method: 'INVITE', port: peer.port, callId, body: OFFER_SDP, uri: 'sip:echo@127.0.0.1' }), udpPort);

  const trying = await peer.response(100);
  t.equal(trying.to.tag, null, '100 Trying carries no To tag');
  const call = await incoming;
  t.equal(call.callId, callId);
  t.equal(call.target, 'echo');
  t.equal(call.offer, OFFER_SDP);
  t.equal(call.from.user, 'tester');
  t.equal(call.from.displayName, 'Test');
  t.same(call.source, { address: '127.0.0.1', port: peer.port, transport: 'udp' });
  t.equal(call.localAddress, '127.0.0.1');
  t.equal(call.header('i'), callId);
  t.equal(call.header('Max-Forwards'), '70');

  call.progress(180);
  const ringing = await peer.response(180);
  const toTag = ringing.to.tag;
  t.ok(toTag, '180 carries our To tag');

  const answered: Promise<AnsweredCall> = call.answer(ANSWER_SDP);
  const ok = await peer.response(200, 'INVITE');
  t.equal(ok.to.tag, toTag, 'the same tag on every response');
  t.equal(headerValue(ok.headers, 'contact'), `<sip:127.0.0.1:${udpPort}>`);
  t.equal(headerValue(ok.headers, 'allow'), 'INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, UPDATE, PRACK, REGISTER');
  t.equal(headerValue(ok.headers, 'content-type'), 'application/sdp');
  t.equal(headerValue(ok.headers, 'server'), 'voxbridge-test');
  t.match(headerValue(ok.headers, 'via'), new RegExp(`;rport=${peer.port};received=127\\.0\\.0\\.1`), 'Via stamped per RFC 3581');
  t.equal(bodyText(ok), ANSWER_SDP);

  await peer.send(sipRequest({ method: 'ACK', port: peer.port, callId, toTag: toTag ?? '', cseq: 1 }), udpPort);
  const { dialog, ackSdp } = await answered;
  t.equal(ackSdp, null, 'the INVITE had the offer, so the ACK answer is not surfaced');
  t.equal(dialog.callId, callId);
  const ended = new Promise<DialogEndReason>((resolve) => dialog.onEnded(resolve));

  await peer.send(sipRequest({ method: 'BYE', port: peer.port, callId, toTag: toTag ?? '', cseq: 2 }), udpPort);
  const byeOk = await peer.response(200, 'BYE');
  t.equal(byeOk.to.tag, toTag);
  t.equal(await ended, 'remote-bye');
  t.equal(dialog.ended, true);

  await peer.send(sipRequest({ method: 'BYE', port: peer.port, callId, toTag: toTag ?? '', cseq: 3 }), udpPort);
  await peer.response(481, 'BYE');
  const counters = backend.counters();
  t.ok(counters.requestsIn >= 4);
  t.ok(counters.responsesOut >= 5);
  t.equal(backend.core.sizes.dialogs, 0);
});

t.test('local hangup: BYE built from the dialog (Request-URI = Contact, tags swapped, CSeq grows)', async (t) => {
  const peer = await openPeer(t);
  const { backend, udpPort } = await startBackend(t);
  const callId = uniqueId('call-');
  const incoming = nextCall(backend);
  await peer.send(
    sipRequest({ method: 'INVITE', port: peer.port, callId, body: OFFER_SDP, fromTag: 'caller-tag', extra: [`Record-Route: <sip:127.0.0.1:${peer.port};lr>`] }),
    udpPort,
  );
  const call = await incoming;
  const answered = call.answer(ANSWER_SDP);
  const ok = await peer.response(200, 'INVITE');
  t.equal(headerValue(ok.headers, 'record-route'), `<sip:127.0.0.1:${peer.port};lr>`, 'Record-Route copied into the 2xx');
  const toTag = ok.to.tag ?? '';
  await peer.send(sipRequest({ method: 'ACK', port: peer.port, callId, toTag, fromTag: 'caller-tag', cseq: 1 }), udpPort);
  const { dialog } = await answered;
  const ended = new Promise<DialogEndReason>((resolve) => dialog.onEnded(resolve));

  const hangup = dialog.hangup();
  t.equal(dialog.hangup(), hangup, 'idempotent: the same promise');
  const bye = await peer.request('BYE');
  t.equal(bye.requestUri, `sip:tester@127.0.0.1:${peer.port}`, 'loose routing: Request-URI is the remote target');
  t.equal(headerValue(bye.headers, 'route'), `<sip:127.0.0.1:${peer.port};lr>`);
  t.equal(bye.from.tag, toTag, 'our From carries our tag');
  t.equal(bye.from.uri, 'sip:echo@127.0.0.1');
  t.equal(bye.to.tag, 'caller-tag');
  t.equal(bye.callId, callId);
  t.match(bye.via[0], { transport: 'UDP', host: '127.0.0.1', port: udpPort });
  t.ok(bye.via[0]?.branch?.startsWith('z9hG4bK'));
  t.equal(await ended, 'local-bye');
  await hangup; // the peer answered the BYE 200 (autoAnswerBye)
  t.equal(backend.core.sizes.clientTransactions, 1, 'the BYE transaction waits out Timer K');
  t.equal(backend.core.sizes.dialogs, 0);
});

t.test('late offer: INVITE without SDP, our offer in the 200, the answer in the ACK', async (t) => {
  const peer = await openPeer(t);
  const { backend, udpPort } = await startBackend(t);
  const callId = uniqueId('call-');
  const incoming = nextCall(backend);
  await peer.send(sipRequest({ method: 'INVITE', port: peer.port, callId }), udpPort);
  const call = await incoming;
  t.equal(call.offer, null);
  const answered = call.answer(ANSWER_SDP);
  const ok = await peer.response(200, 'INVITE');
  t.equal(bodyText(ok), ANSWER_SDP);
  await peer.send(sipRequest({ method: 'ACK', port: peer.port, callId, toTag: ok.to.tag ?? '', cseq: 1, body: OFFER_SDP }), udpPort);
  const { ackSdp } = await answered;
  t.equal(ackSdp, OFFER_SDP);
});

t.test('CANCEL before the answer: 200 to CANCEL, 487 to INVITE, onCancel, answer() rejects', async (t) => {
  const peer = await openPeer(t);
  const { backend, udpPort } = await startBackend(t);
  const callId = uniqueId('call-');
  const branch = uniqueId('z9hG4bK');
  const incoming = nextCall(backend);
  await peer.send(sipRequest({ method: 'INVITE', port: peer.port, callId, branch, body: OFFER_SDP }), udpPort);
  const call = await incoming;
  const cancelled = new Promise<void>((resolve) => call.onCancel(resolve));
  await peer.send(sipRequest({ method: 'CANCEL', port: peer.port, callId, branch }), udpPort);
  const cancelOk = await peer.response(200, 'CANCEL');
  t.ok(cancelOk.to.tag);
  const terminated = await peer.response(487, 'INVITE');
  t.ok(terminated.to.tag);
  t.equal(cancelOk.to.tag, terminated.to.tag, 'CANCEL 200 and INVITE 487 share the To tag (RFC 3261 §9.2)');
  await cancelled;
  t.equal(call.cancelled, true);
  await t.rejects(call.answer(ANSWER_SDP), { code: 'ERR_SIP_CANCELLED', status: 487 });
  // The caller ACKs the 487 (same branch); the transaction absorbs it.
  await peer.send(sipRequest({ method: 'ACK', port: peer.port, callId, branch, toTag: terminated.to.tag ?? '' }), udpPort);
  // A CANCEL for nothing: 481.
  await peer.send(sipRequest({ method: 'CANCEL', port: peer.port, callId: uniqueId('call-') }), udpPort);
  await peer.response(481, 'CANCEL');
});

t.test('reject() with a Warning and extra headers; retransmitted INVITE is absorbed', async (t) => {
  const peer = await openPeer(t);
  const { backend, udpPort } = await startBackend(t);
  const callId = uniqueId('call-');
  const branch = uniqueId('z9hG4bK');
  const invite = sipRequest({ method: 'INVITE', port: peer.port, callId, branch, body: OFFER_SDP });
  const incoming = nextCall(backend);
  await peer.send(invite, udpPort);
  const call = await incoming;
  call.reject(488, { warning: 'no common codec', headers: { 'Retry-After': '5' } });
  const rejected = await peer.response(488, 'INVITE');
  t.equal(headerValue(rejected.headers, 'warning'), '399 127.0.0.1 "no common codec"');
  t.equal(headerValue(rejected.headers, 'retry-after'), '5');
  t.equal(rejected.reason, 'Not Acceptable Here');
  call.reject(486);
  t.throws(() => call.reject(200), SipError, 'a 2xx is not a rejection');
  await peer.send(invite, udpPort);
  await peer.response(488, 'INVITE');
  t.equal(backend.counters().retransmissionsAbsorbed, 1);
  await t.rejects(call.answer(ANSWER_SDP), { code: 'ERR_SIP_STATE' });
});

t.test('re-INVITE: the app answers through onOffer, 500 while one is pending, SipError status on refusal', async (t) => {
  const peer = await openPeer(t);
  const { backend, udpPort } = await startBackend(t);
  const callId = uniqueId('call-');
  const incoming = nextCall(backend);
  await peer.send(sipRequest({ method: 'INVITE', port: peer.port, callId, body: OFFER_SDP }), udpPort);
  const call = await incoming;
  const answered = call.answer(ANSWER_SDP);
  const toTag = (await peer.response(200, 'INVITE')).to.tag ?? '';
  await peer.send(sipRequest({ method: 'ACK', port: peer.port, callId, toTag, cseq: 1 }), udpPort);
  const { dialog } = await answered;

  // Without a handler: the current local SDP.
  await peer.send(sipRequest({ method: 'INVITE', port: peer.port, callId, toTag, cseq: 2, body: OFFER_SDP }), udpPort);
  const first = await peer.response(200, 'INVITE');
  t.equal(bodyText(first), ANSWER_SDP);
  await peer.send(sipRequest({ method: 'ACK', port: peer.port, callId, toTag, cseq: 2 }), udpPort);

  // With a handler that waits: a second offer meanwhile gets 500 + Retry-After (RFC 3311 §5.2).
  let release: (sdp: string) => void = () => undefined;
  const offers: Array<string | null> = [];
  dialog.onOffer((offer) => {
    offers.push(offer);
    return new Promise((resolve) => {
      release = resolve;
    });
  });
  await peer.send(sipRequest({ method: 'INVITE', port: peer.port, callId, toTag, cseq: 3, body: OFFER_SDP.replace('40000', '40010') }), udpPort);
  await peer.response(100, 'INVITE');
  await peer.send(sipRequest({ method: 'UPDATE', port: peer.port, callId, toTag, cseq: 4, body: OFFER_SDP }), udpPort);
  const overlapping = await peer.response(500, 'UPDATE');
  t.ok(headerValue(overlapping.headers, 'retry-after'), 'with Retry-After');
  release('v=0\r\nnew answer\r\n');
  const second = await peer.response(200, 'INVITE');
  t.equal(bodyText(second), 'v=0\r\nnew answer\r\n');
  t.match(offers[0], /40010/);
  await peer.send(sipRequest({ method: 'ACK', port: peer.port, callId, toTag, cseq: 3 }), udpPort);

  dialog.onOffer(async () => {
    throw new SipError(488, 'codec change refused');
  });
  await peer.send(sipRequest({ method: 'INVITE', port: peer.port, callId, toTag, cseq: 5, body: OFFER_SDP }), udpPort);
  const refused = await peer.response(488, 'INVITE');
  t.equal(headerValue(refused.headers, 'warning'), '399 127.0.0.1 "codec change refused"');

  // INFO in the dialog: 200; an out-of-order CSeq: 500.
  await peer.send(sipRequest({ method: 'INFO', port: peer.port, callId, toTag, cseq: 6, body: 'Signal=5', contentType: 'application/dtmf-relay' }), udpPort);
  await peer.response(200, 'INFO');
  await peer.send(sipRequest({ method: 'INFO', port: peer.port, callId, toTag, cseq: 1 }), udpPort);
  await peer.response(500, 'INFO');
  t.equal(dialog.ended, false);
});

t.test('an INVITE handler that throws gets the call a 500, and the stack keeps serving', async (t) => {
  const peer = await openPeer(t);
  const { backend, udpPort } = await startBackend(t);
  backend.onInvite(() => {
    throw new Error('router bug');
  });
  await peer.send(sipRequest({ method: 'INVITE', port: peer.port, body: OFFER_SDP }), udpPort);
  await peer.response(500, 'INVITE');
  await peer.send(sipRequest({ method: 'OPTIONS', port: peer.port }), udpPort);
  await peer.response(200, 'OPTIONS');
});
