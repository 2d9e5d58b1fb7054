import t from 'tap';
import type { DialogEndReason, IncomingCall } from '../../../server/signaling/backend.js';
import { startBackend } from '../sip/fixtures/backend-harness.js';
import { ManualScheduler } from '../sip/fixtures/manual-scheduler.js';
import { UdpPeer } from '../sip/fixtures/raw-peer.js';
import { ANSWER_SDP, OFFER_SDP, sipRequest, uniqueId } from '../sip/fixtures/sip-text.js';

const T1 = 500;

async function setup(t: Parameters<typeof startBackend>[0]): Promise<{ peer: UdpPeer; clock: ManualScheduler; call: () => Promise<IncomingCall>; port: number; backend: Awaited<ReturnType<typeof startBackend>>['backend'] }> {
  const peer = await UdpPeer.open();
  t.teardown(() => peer.close());
  const clock = new ManualScheduler();
  const { backend, udpPort } = await startBackend(t, { scheduler: clock, sip: { t1Ms: T1 } });
  return { peer, clock, backend, port: udpPort, call: () => new Promise((resolve) => backend.onInvite(resolve)) };
}

t.test('no ACK: the 200 is retransmitted at T1, 2T1, 4T1, then every T2; at 64*T1 BYE and answer() rejects', async (t) => {
  const { peer, clock, port, call } = await setup(t);
  const callId = uniqueId('noack-');
  const incoming = call();
  await peer.send(sipRequest({ method: 'INVITE', port: peer.port, callId, body: OFFER_SDP }), port);
  const answered = (await incoming).answer(ANSWER_SDP);
  const rejected = t.rejects(answered, { code: 'ERR_SIP_ACK_TIMEOUT', status: 408 });
  await peer.response(200, 'INVITE');
  // Retransmissions are due at 500, 1500, 3500, 7500, then every 4000 ms up to 31500.
  const due = [500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500];
  let previous = 0;
  for (const at of due) {
    clock.advance(at - 1 - previous);
    clock.advance(1);
    previous = at;
    await peer.response(200, 'INVITE');
  }
  clock.advance(64 * T1 - previous);
  const bye = await peer.request('BYE');
  t.equal(bye.callId, callId);
  await rejected;
  t.equal(
    peer.queued.filter((m) => m.kind === 'response' && m.status === 200).length,
    0,
    'exactly one retransmission per due time',
  );
});

t.test('the ACK stops 2xx retransmission', async (t) => {
  const { peer, clock, port, call } = await setup(t);
  const callId = uniqueId('ack-');
  const incoming = call();
  await peer.send(sipRequest({ method: 'INVITE', port: peer.port, callId, body: OFFER_SDP }), port);
  const answered = (await incoming).answer(ANSWER_SDP);
  const ok = await peer.response(200, 'INVITE');
  clock.advance(500);
  await peer.response(200, 'INVITE');
  await peer.send(sipRequest({ method: 'ACK', port: peer.port, callId, toTag: ok.to.tag ?? '', cseq: 1 }), port);
  const { dialog } = await answered;
  t.equal(dialog.ended, false);
  clock.advance(64 * T1);
  await peer.send(sipRequest({ method: 'OPTIONS', port: peer.port }), port);
  await peer.response(200, 'OPTIONS');
  const late = peer.queued.filter((m) => (m.kind === 'response' && m.status === 200) || m.kind === 'request');
  t.equal(late.length, 0, 'no 200 after the ACK, and no BYE');
});

t.test('close(): 503 to unanswered INVITEs, BYE on dialogs, every timer cleared', async (t) => {
  const { peer, clock, port, call, backend } = await setup(t);
  const liveId = uniqueId('live-');
  const firstCall = call();
  await peer.send(sipRequest({ method: 'INVITE', port: peer.port, callId: liveId, body: OFFER_SDP }), port);
  const live = await firstCall;
  const answered = live.answer(ANSWER_SDP);
  const ok = await peer.response(200, 'INVITE');
  await peer.send(sipRequest({ method: 'ACK', port: peer.port, callId: liveId, toTag: ok.to.tag ?? '', cseq: 1 }), port);
  const { dialog } = await answered;
  const ended = new Promise<DialogEndReason>((resolve) => dialog.onEnded(resolve));

  const waitingId = uniqueId('waiting-');
  const secondCall = call();
  await peer.send(sipRequest({ method: 'INVITE', port: peer.port, callId: waitingId, body: OFFER_SDP }), port);
  await secondCall;

  const closing = backend.close();
  t.equal(backend.close(), closing, 'idempotent');
  const unavailable = await peer.response(503, 'INVITE');
  t.equal(unavailable.callId, waitingId);
  const bye = await peer.request('BYE');
  t.equal(bye.callId, liveId);
  await closing; // the peer answered the BYE, so no need to wait out the bound
  t.equal(await ended, 'shutdown');
  t.same(backend.core.sizes, { serverTransactions: 0, clientTransactions: 0, pendingInvites: 0, dialogs: 0 });
  t.equal(clock.pending, 0);
});

t.test('close() does not wait forever for an unanswered BYE', async (t) => {
  const { peer, clock, port, call, backend } = await setup(t);
  peer.autoAnswerBye = false;
  const callId = uniqueId('mute-');
  const incoming = call();
  await peer.send(sipRequest({ method: 'INVITE', port: peer.port, callId, body: OFFER_SDP }), port);
  const answered = (await incoming).answer(ANSWER_SDP);
  const ok = await peer.response(200, 'INVITE');
  await peer.send(sipRequest({ method: 'ACK', port: peer.port, callId, toTag: ok.to.tag ?? '', cseq: 1 }), port);
  await answered;
  const closing = backend.close();
  await peer.request('BYE');
  clock.advance(2000);
  await closing;
  t.equal(clock.pending, 0);
});
