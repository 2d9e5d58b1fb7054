import t from 'tap';
import type { DialogEndReason } from '../../../server/signaling/backend.js';
import { headerValue, headerValues, type SipRequest } from '../../../server/sip/message.js';
import { answeredCall } from '../sip/fixtures/answered-call.js';
import { startBackend } from '../sip/fixtures/backend-harness.js';
import { ManualScheduler } from '../sip/fixtures/manual-scheduler.js';
import { okFor, UdpPeer } from '../sip/fixtures/raw-peer.js';
import { OFFER_SDP, sipRequest } from '../sip/fixtures/sip-text.js';

const ended = (dialog: { onEnded(listener: (reason: DialogEndReason) => void): void }): Promise<DialogEndReason> =>
  new Promise((resolve) => dialog.onEnded(resolve));

t.test('422 with Min-SE for an interval below ours; the app never sees the call', async (t) => {
  const peer = await UdpPeer.open();
  t.teardown(() => peer.close());
  const { backend, udpPort } = await startBackend(t);
  let calls = 0;
  backend.onInvite(() => calls++);
  await peer.send(sipRequest({ method: 'INVITE', port: peer.port, body: OFFER_SDP, extra: ['Supported: timer', 'Session-Expires: 30'] }), udpPort);
  const refused = await peer.response(422, 'INVITE');
  t.equal(headerValue(refused.headers, 'min-se'), '90');
  t.equal(calls, 0);
  t.equal(backend.counters().rejects['session-interval'], 1);
});

t.test('caller refreshes: our 200 names it refresher; refreshes restart the clock; silence ends the call', async (t) => {
  const clock = new ManualScheduler();
  const { ok, dialog, send, peer } = await answeredCall(t, { scheduler: clock, inviteExtra: ['Supported: timer', 'Session-Expires: 120'] });
  t.equal(headerValue(ok.headers, 'session-expires'), '120;refresher=uac');
  t.same(headerValues(ok.headers, 'require'), ['timer']);
  const end = ended(dialog);

  clock.advance(60_000);
  await send('UPDATE', { cseq: 2, extra: ['Supported: timer', 'Session-Expires: 120;refresher=uac'] });
  const refreshed = await peer.response(200, 'UPDATE');
  t.equal(headerValue(refreshed.headers, 'session-expires'), '120;refresher=uac');
  t.ok(headerValue(refreshed.headers, 'contact'), 'UPDATE is a target refresh: 200 with Contact');
  clock.advance(87_999); // 120 - 32 s after the refresh
  t.equal(dialog.ended, false, 'the refresh restarted the clock');
  clock.advance(1);
  await peer.request('BYE');
  t.equal(await end, 'session-expired');
});

t.test('we refresh with UPDATE when the peer allows it; 481 to a refresh ends the call', async (t) => {
  const clock = new ManualScheduler();
  const { ok, dialog, peer, udpPort } = await answeredCall(t, {
    scheduler: clock,
    sip: { sessionExpires: 100, minSessionExpires: 90 },
    inviteExtra: ['Allow: INVITE, ACK, BYE, CANCEL, UPDATE'],
  });
  t.equal(headerValue(ok.headers, 'session-expires'), '100;refresher=uas', 'no timer support: we refresh');
  t.equal(headerValue(ok.headers, 'require'), undefined);
  const end = ended(dialog);
  clock.advance(50_000);
  const update = (await peer.request('UPDATE')) as SipRequest;
  t.equal(headerValue(update.headers, 'session-expires'), '100;refresher=uac');
  t.equal(headerValue(update.headers, 'min-se'), '90');
  t.ok(headerValue(update.headers, 'contact'));
  await peer.send(okFor(update), udpPort);
  await peer.flush(udpPort); // the 200 is handled before time moves
  clock.advance(50_000);
  const second = await peer.request('UPDATE');
  t.ok(second.cseq.seq > update.cseq.seq, 'CSeq grows');
  await peer.send(okFor(second).replace('200 OK', '481 Call/Transaction Does Not Exist'), udpPort);
  await peer.request('BYE');
  t.equal(await end, 'session-expired');
});

t.test('without UPDATE in Allow we refresh with a re-INVITE of the same SDP and ACK its 200', async (t) => {
  const clock = new ManualScheduler();
  const { dialog, peer, udpPort, callId } = await answeredCall(t, { scheduler: clock, sip: { sessionExpires: 100 } });
  clock.advance(50_000);
  const reinvite = await peer.request('INVITE');
  t.equal(reinvite.callId, callId);
  t.equal(reinvite.body.toString(), 'v=0\r\no=voxbridge 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40002 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n', 'our current SDP, unchanged');
  await peer.send(okFor(reinvite).replace('Content-Length: 0', 'Session-Expires: 100;refresher=uac\r\nContent-Length: 0'), udpPort);
  const ack = await peer.request('ACK');
  t.same(ack.cseq, { seq: reinvite.cseq.seq, method: 'ACK' });
  t.equal(dialog.ended, false);
});

t.test('an incoming call without session timers and our default off: no Session-Expires at all', async (t) => {
  const { ok } = await answeredCall(t, { sip: { sessionExpires: 0 } });
  t.equal(headerValue(ok.headers, 'session-expires'), undefined);
});

t.test('a re-INVITE with Session-Expires is a refresh as well as an offer', async (t) => {
  const clock = new ManualScheduler();
  const { dialog, send, peer, udpPort } = await answeredCall(t, { scheduler: clock, inviteExtra: ['Supported: timer', 'Session-Expires: 90'] });
  let offers = 0;
  dialog.onOffer(async (offer) => {
    offers++;
    return offer ?? '';
  });
  clock.advance(40_000);
  await send('INVITE', { cseq: 2, body: OFFER_SDP, extra: ['Supported: timer', 'Session-Expires: 90;refresher=uac'] });
  const ok = await peer.response(200, 'INVITE');
  t.equal(headerValue(ok.headers, 'session-expires'), '90;refresher=uac');
  t.equal(offers, 1);
  await send('ACK', { cseq: 2 });
  await peer.flush(udpPort);
  clock.advance(59_000);
  t.equal(dialog.ended, false, 'the re-INVITE was a refresh too');
  clock.advance(1_000);
  await peer.request('BYE');
  t.equal(dialog.ended, true, 'and the clock runs from it');
});
