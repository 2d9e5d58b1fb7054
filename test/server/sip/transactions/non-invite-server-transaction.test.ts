import t from 'tap';
import { NonInviteServerTransaction } from '../../../../server/sip/transactions/non-invite-server-transaction.js';
import { recorder } from '../fixtures/transaction-env.js';


t.test('Trying discards retransmissions; Completed resends the final; Timer J terminates', async (t) => {
  const rec = recorder(false, 500);
  const tx = new NonInviteServerTransaction('k', rec.env);
  t.equal(tx.receiveRequest(), false);
  tx.respond(200, Buffer.from('200'));
  t.equal(tx.state, 'completed');
  t.equal(tx.receiveRequest(), true);
  t.same(rec.sent.map(([, text]) => text), ['200', '200']);
  tx.respond(500, Buffer.from('500'));
  t.equal(rec.sent.length, 2, 'a second final is ignored');
  rec.clock.advance(64 * 500 - 1);
  t.equal(tx.state, 'completed');
  rec.clock.advance(1);
  t.equal(tx.state, 'terminated', 'Timer J = 64*T1');
  t.equal(rec.terminated, 1);
  t.equal(rec.clock.pending, 0);
});

t.test('Proceeding resends the provisional', async (t) => {
  const rec = recorder();
  const tx = new NonInviteServerTransaction('k', rec.env);
  tx.respond(100, Buffer.from('100'));
  t.equal(tx.state, 'proceeding');
  t.equal(tx.receiveRequest(), true);
  t.same(rec.sent.map(([, text]) => text), ['100', '100']);
});

t.test('TCP: Timer J is zero', async (t) => {
  const rec = recorder(true);
  const tx = new NonInviteServerTransaction('k', rec.env);
  tx.respond(481, Buffer.from('481'));
  t.equal(tx.state, 'terminated');
  t.equal(rec.clock.pending, 0);
});
