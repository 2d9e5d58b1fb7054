import t from 'tap';
import type { IncomingCall } from '../../../server/signaling/backend.js';
import { headerValue, headerValues } from '../../../server/sip/message.js';
import { startBackend } from '../sip/fixtures/backend-harness.js';
import { ManualScheduler } from '../sip/fixtures/manual-scheduler.js';
import { UdpPeer } from '../sip/fixtures/raw-peer.js';
import { ANSWER_SDP, OFFER_SDP, sipRequest, uniqueId } from '../sip/fixtures/sip-text.js';

async function setup(t: Parameters<typeof startBackend>[0]) {
  const peer = await UdpPeer.open();
  t.teardown(() => peer.close());
  const clock = new ManualScheduler();
  const running = await startBackend(t, { scheduler: clock });
  return { peer, clock, ...running };
}

t.test('Require: 100rel: 180 sent reliably (RSeq, retransmitted until PRACK), PRACK answered 200, then the 200', async (t) => {
  const { peer, clock, backend, udpPort } = await setup(t);
  const callId = uniqueId('rel-');
  const incoming = new Promise<IncomingCall>((resolve) => backend.onInvite(resolve));
  await peer.send(sipRequest({ method: 'INVITE', port: peer.port, callId, body: OFFER_SDP, extra: ['Require: 100rel', 'Supported: 100rel'] }), udpPort);
  const call = await incoming;
  call.progress(180);
  const ringing = await peer.response(180, 'INVITE');
  t.same(headerValues(ringing.headers, 'require'), ['100rel']);
  const rseq = Number(headerValue(ringing.headers, 'rseq'));
  t.ok(rseq >= 1 && rseq < 2 ** 31, 'RSeq in range');
  clock.advance(500);
  const again = await peer.response(180, 'INVITE');
  t.equal(headerValue(again.headers, 'rseq'), String(rseq), 'retransmitted at T1 with the same RSeq');
  call.progress(183); // waits: only one unacknowledged reliable provisional at a time
  const toTag = ringing.to.tag ?? '';
  await peer.send(sipRequest({ method: 'PRACK', port: peer.port, callId, toTag, cseq: 2, extra: [`RAck: ${rseq + 5} 1 INVITE`] }), udpPort);
  await peer.response(481, 'PRACK');
  await peer.send(sipRequest({ method: 'PRACK', port: peer.port, callId, toTag, cseq: 3, extra: [`RAck: ${rseq} 1 INVITE`] }), udpPort);
  await peer.response(200, 'PRACK');
  const progress = await peer.response(183, 'INVITE');
  t.equal(headerValue(progress.headers, 'rseq'), String(rseq + 1), 'the queued 183 goes once the 180 is acknowledged');
  await peer.send(sipRequest({ method: 'PRACK', port: peer.port, callId, toTag, cseq: 4, extra: [`RAck: ${rseq + 1} 1 INVITE`] }), udpPort);
  await peer.response(200, 'PRACK');
  clock.advance(10_000);
  await peer.flush(udpPort);
  t.equal(peer.queued.filter((m) => m.kind === 'response' && m.status === 183).length, 0, 'no retransmission after the PRACK');
  const answered = call.answer(ANSWER_SDP);
  const ok = await peer.response(200, 'INVITE');
  await peer.send(sipRequest({ method: 'ACK', port: peer.port, callId, toTag: ok.to.tag ?? '', cseq: 1 }), udpPort);
  await answered;
});

t.test('no PRACK within 64*T1: the INVITE is rejected 504', async (t) => {
  const { peer, clock, backend, udpPort } = await setup(t);
  const incoming = new Promise<IncomingCall>((resolve) => backend.onInvite(resolve));
  await peer.send(sipRequest({ method: 'INVITE', port: peer.port, body: OFFER_SDP, extra: ['Require: 100rel'] }), udpPort);
  const call = await incoming;
  call.progress(180);
  await peer.response(180, 'INVITE');
  clock.advance(64 * 500);
  await peer.response(504, 'INVITE');
  t.equal(call.cancelled, false);
});

t.test('without Require: 100rel, provisionals stay unreliable', async (t) => {
  const { peer, backend, udpPort } = await setup(t);
  const incoming = new Promise<IncomingCall>((resolve) => backend.onInvite(resolve));
  await peer.send(sipRequest({ method: 'INVITE', port: peer.port, body: OFFER_SDP, extra: ['Supported: 100rel'] }), udpPort);
  const call = await incoming;
  call.progress(180);
  const ringing = await peer.response(180, 'INVITE');
  t.equal(headerValue(ringing.headers, 'rseq'), undefined);
  call.reject(486);
});
