import t from 'tap';
import type { SipResponse } from '../../../../server/sip/message.js';
import { parseSipMessage } from '../../../../server/sip/parser.js';
import { InviteClientTransaction } from '../../../../server/sip/transactions/invite-client-transaction.js';
import { LIMITS } from '../fixtures/fixture-files.js';
import { recorder } from '../fixtures/transaction-env.js';

function response(status: number, toTag = 'them'): SipResponse {
  const text = [
    `SIP/2.0 ${status} X`,
    'Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKinv',
    'From: <sip:voxbridge@127.0.0.1>;tag=us',
    `To: <sip:bob@127.0.0.1>;tag=${toTag}`,
    'Call-ID: c1',
    'CSeq: 1 INVITE',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  const parsed = parseSipMessage(Buffer.from(text), LIMITS);
  if (!parsed.ok || parsed.message.kind !== 'response') throw new Error('bad response');
  return parsed.message;
}

function user(): { events: string[]; user: ConstructorParameters<typeof InviteClientTransaction>[3] } {
  const events: string[] = [];
  return {
    events,
    user: {
      onProvisional: (r) => events.push(`1xx ${r.status}`),
      onFinal: (r) => events.push(`final ${r.status}`),
      onFailure: (kind) => events.push(kind),
    },
  };
}

const INVITE = Buffer.from('INVITE');
const ACK = Buffer.from('ACK');

t.test('UDP: Timer A doubles without a cap, Timer B times out in Calling', async (t) => {
  const rec = recorder();
  const { events, user: u } = user();
  const tx = new InviteClientTransaction('k', INVITE, rec.env, u, () => ACK);
  tx.start();
  rec.clock.advance(32_000);
  // Sent at 0, then 500, 1500, 3500, 7500, 15500, 31500 (intervals 500, 1000, 2000, 4000, 8000, 16000).
  t.same(rec.sent.map(([time]) => time), [0, 500, 1500, 3500, 7500, 15500, 31500]);
  t.same(events, ['timeout']);
  t.equal(tx.state, 'terminated');
  t.equal(rec.terminated, 1);
  t.equal(rec.clock.pending, 0);
});

t.test('a provisional stops retransmission; Proceeding has no timeout of its own', async (t) => {
  const rec = recorder();
  const { events, user: u } = user();
  const tx = new InviteClientTransaction('k', INVITE, rec.env, u, () => ACK);
  tx.start();
  rec.clock.advance(500);
  tx.receiveResponse(response(180));
  t.equal(tx.proceeding, true);
  rec.clock.advance(60_000);
  t.equal(rec.sent.length, 2, 'no retransmission after the 180');
  t.same(events, ['1xx 180']);
  t.equal(tx.state, 'proceeding');
});

t.test('non-2xx: ACK sent, TU told once, retransmitted finals re-ACKed, Timer D ends it', async (t) => {
  const rec = recorder();
  const { events, user: u } = user();
  const acked: number[] = [];
  const tx = new InviteClientTransaction('k', INVITE, rec.env, u, (r) => {
    acked.push(r.status);
    return ACK;
  });
  tx.start();
  tx.receiveResponse(response(486));
  tx.receiveResponse(response(486));
  t.same(events, ['final 486']);
  t.same(acked, [486], 'the ACK is built once');
  t.same(rec.sent.map(([, text]) => text), ['INVITE', 'ACK', 'ACK']);
  rec.clock.advance(31_999);
  t.equal(tx.state, 'completed');
  rec.clock.advance(1);
  t.equal(tx.state, 'terminated', 'Timer D is 32 s on UDP');
});

t.test('2xx: Accepted passes every 2xx (retransmissions and forks) to the TU until Timer M', async (t) => {
  const rec = recorder();
  const { events, user: u } = user();
  const tx = new InviteClientTransaction('k', INVITE, rec.env, u, () => ACK);
  tx.start();
  tx.receiveResponse(response(200, 'a'));
  tx.receiveResponse(response(200, 'a'));
  tx.receiveResponse(response(200, 'b'));
  tx.receiveResponse(response(486));
  t.same(events, ['final 200', 'final 200', 'final 200']);
  t.equal(rec.sent.length, 1, 'the transaction sends no ACK for a 2xx');
  rec.clock.advance(64 * 500);
  t.equal(tx.state, 'terminated');
});

t.test('TCP: no retransmission, Timer D is zero; a transport error reaches the TU', async (t) => {
  const rec = recorder(true);
  const { events, user: u } = user();
  const tx = new InviteClientTransaction('k', INVITE, rec.env, u, () => ACK);
  tx.start();
  rec.clock.advance(10_000);
  t.equal(rec.sent.length, 1);
  tx.receiveResponse(response(603));
  t.equal(tx.state, 'terminated');

  const failing = new InviteClientTransaction('k2', INVITE, rec.env, u, () => ACK);
  failing.start();
  failing.transportError();
  failing.transportError();
  t.same(events, ['final 603', 'transport-error']);
});
