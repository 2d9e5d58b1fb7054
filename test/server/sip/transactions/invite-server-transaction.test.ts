import t from 'tap';
import { InviteServerTransaction } from '../../../../server/sip/transactions/invite-server-transaction.js';
import { recorder } from '../fixtures/transaction-env.js';

const R100 = Buffer.from('100');
const R180 = Buffer.from('180');
const R486 = Buffer.from('486');
const R200 = Buffer.from('200');

t.test('Proceeding: retransmitted INVITE gets the latest provisional again', async (t) => {
  const rec = recorder();
  const tx = new InviteServerTransaction('k', rec.env);
  t.equal(tx.receiveRequest(), false, 'nothing to resend before any response');
  tx.respond(100, R100);
  t.equal(tx.receiveRequest(), true);
  tx.respond(180, R180);
  tx.receiveRequest();
  t.same(rec.sent.map(([, text]) => text), ['100', '100', '180', '180']);
  t.equal(tx.state, 'proceeding');
});

t.test('UDP non-2xx: Timer G doubles up to T2, Timer H terminates without ACK', async (t) => {
  const rec = recorder(false, 500);
  const tx = new InviteServerTransaction('k', rec.env);
  let ackTimeout = 0;
  tx.onAckTimeout = () => ackTimeout++;
  tx.respond(486, R486);
  t.equal(tx.state, 'completed');
  rec.clock.advance(64 * 500 - 1);
  const times = rec.sent.map(([time]) => time);
  // Sent at 0, then G fires at 500, 1500 (+1000), 3500 (+2000), 7500 (+4000 = T2), then every 4000.
  t.same(times.slice(0, 6), [0, 500, 1500, 3500, 7500, 11500]);
  t.equal(times.at(-1), 31500);
  t.equal(tx.state, 'completed');
  rec.clock.advance(1);
  t.equal(tx.state, 'terminated', 'Timer H = 64*T1');
  t.equal(ackTimeout, 1);
  t.equal(rec.terminated, 1);
  t.equal(rec.clock.pending, 0, 'no timer left behind');
});

t.test('Completed: retransmitted INVITE resends the final; ACK confirms, Timer I terminates', async (t) => {
  const rec = recorder();
  const tx = new InviteServerTransaction('k', rec.env);
  tx.respond(100, R100);
  tx.respond(486, R486);
  t.equal(tx.receiveRequest(), true);
  t.equal(rec.sent.at(-1)?.[1], '486');
  t.equal(tx.receiveAck(), true);
  t.equal(tx.state, 'confirmed');
  const sends = rec.sent.length;
  rec.clock.advance(4000);
  t.equal(rec.sent.length, sends, 'Timer G stops once confirmed');
  t.equal(tx.receiveAck(), true, 'ACK retransmissions are absorbed');
  t.equal(tx.receiveRequest(), false, 'nothing resent when confirmed');
  rec.clock.advance(999);
  t.equal(tx.state, 'confirmed');
  rec.clock.advance(1);
  t.equal(tx.state, 'terminated', 'Timer I = T4 = 5 s after the ACK');
  t.equal(rec.clock.pending, 0);
});

t.test('TCP: no retransmissions, Timer I is zero', async (t) => {
  const rec = recorder(true);
  const tx = new InviteServerTransaction('k', rec.env);
  tx.respond(486, R486);
  rec.clock.advance(10000);
  t.equal(rec.sent.length, 1);
  tx.receiveAck();
  t.equal(tx.state, 'terminated');
  t.equal(rec.clock.pending, 0);
});

t.test('2xx: Accepted absorbs INVITE retransmissions, passes ACK on, Timer L terminates', async (t) => {
  const rec = recorder();
  const tx = new InviteServerTransaction('k', rec.env);
  tx.respond(100, R100);
  tx.respond(200, R200);
  t.equal(tx.state, 'accepted');
  t.equal(tx.receiveRequest(), false);
  t.equal(tx.receiveAck(), false, 'the 2xx ACK belongs to the dialog layer');
  tx.respond(486, R486);
  t.same(rec.sent.map(([, text]) => text), ['100', '200'], 'no second final');
  rec.clock.advance(64 * 500);
  t.equal(tx.state, 'terminated');
  t.equal(rec.clock.pending, 0);
});

t.test('dispose clears every timer', async (t) => {
  const rec = recorder();
  const tx = new InviteServerTransaction('k', rec.env);
  tx.respond(500, Buffer.from('500'));
  t.ok(rec.clock.pending > 0);
  tx.dispose();
  tx.dispose();
  t.equal(rec.clock.pending, 0);
  t.equal(rec.terminated, 1);
});
