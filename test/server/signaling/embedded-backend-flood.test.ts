import t from 'tap';
import type { IncomingCall } from '../../../server/signaling/backend.js';
import { startBackend } from '../sip/fixtures/backend-harness.js';
import { fixture } from '../sip/fixtures/fixture-files.js';
import { ManualScheduler } from '../sip/fixtures/manual-scheduler.js';
import { UdpPeer } from '../sip/fixtures/raw-peer.js';
import { ANSWER_SDP, OFFER_SDP, sipRequest, uniqueId } from '../sip/fixtures/sip-text.js';
import { prng } from '../../helpers/prng.js';

t.test('2000 mutated/truncated datagrams, then a valid INVITE that still gets answered', async (t) => {
  const peer = await UdpPeer.open();
  t.teardown(() => peer.close());
  const clock = new ManualScheduler();
  const { backend, udpPort } = await startBackend(t, { scheduler: clock });
  const calls: IncomingCall[] = [];
  const callId = uniqueId('after-flood-');
  const wanted = new Promise<IncomingCall>((resolve) => {
    backend.onInvite((call) => {
      calls.push(call);
      if (call.callId === callId) resolve(call);
      else call.reject(486);
    });
  });

  const sources = ['invite-sipp.sip', 'invite-baresip.sip', 'invite-linphone.sip', 'options.sip', 'bye.sip', 'cancel.sip', 'response-200-bye.sip'].map(
    (name) => fixture(name),
  );
  const next = prng(0x5eed);
  for (let i = 0; i < 2000; i++) {
    const source = sources[i % sources.length] ?? Buffer.alloc(0);
    const kind = next() % 3;
    let data: Buffer;
    if (kind === 0) {
      data = Buffer.from(source.subarray(0, next() % source.length)); // truncated
    } else {
      data = Buffer.from(source);
      for (let flips = 1 + (next() % 8); flips > 0; flips--) data[next() % data.length] = next() & 0xff; // mutated
      if (kind === 2) data = Buffer.concat([data, Buffer.from(source.subarray(next() % source.length))]); // plus trailing junk
    }
    await peer.send(data, udpPort);
    // Pace by events, not sleeps: every 100 datagrams, wait for an OPTIONS round trip so the
    // socket buffers never overflow and the order of processing stays observable.
    if (i % 100 === 99) {
      const probe = uniqueId('probe-');
      await peer.send(sipRequest({ method: 'OPTIONS', port: peer.port, callId: probe }), udpPort);
      await peer.next((m) => m.kind === 'response' && m.callId === probe);
    }
  }

  await peer.send(sipRequest({ method: 'INVITE', port: peer.port, callId, body: OFFER_SDP }), udpPort);
  const call = await wanted;
  const answered = call.answer(ANSWER_SDP);
  const ok = await peer.next((m) => m.kind === 'response' && m.callId === callId && m.status === 200);
  await peer.send(sipRequest({ method: 'ACK', port: peer.port, callId, toTag: ok.to.tag ?? '', cseq: 1 }), udpPort);
  await answered;

  const counters = backend.counters();
  t.ok(counters.droppedMalformed + counters.rejectedMalformed > 1000, 'most of the flood was malformed');
  t.ok(counters.requestsIn >= 21, 'the probes and the INVITE got through');
  t.equal(counters.droppedMalformed + counters.rejectedMalformed + counters.requestsIn + counters.responsesIn <= 2000 + 21 + 2, true, 'every datagram counted once at most');

  await backend.close();
  t.same(backend.core.sizes, { serverTransactions: 0, clientTransactions: 0, pendingInvites: 0, dialogs: 0 }, 'nothing left after close');
  t.equal(clock.pending, 0, 'every timer cleared');
});
