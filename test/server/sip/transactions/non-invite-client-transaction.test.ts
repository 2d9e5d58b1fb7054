import t from 'tap';
import { NonInviteClientTransaction } from '../../../../server/sip/transactions/non-invite-client-transaction.js';
import { parseSipMessage } from '../../../../server/sip/parser.js';
import type { SipResponse } from '../../../../server/sip/message.js';
import { fixture, LIMITS } from '../fixtures/fixture-files.js';
import { recorder } from '../fixtures/transaction-env.js';

function response(status: number): SipResponse {
  const text = fixture('response-200-bye.sip').toString().replace('SIP/2.0 200 OK', `SIP/2.0 ${status} X`);
  const result = parseSipMessage(Buffer.from(text), LIMITS);
  if (!result.ok || result.message.kind !== 'response') throw new Error('fixture');
  return result.message;
}

const BYE = Buffer.from('BYE');

t.test('UDP: Timer E doubles to T2, Timer F times out', async (t) => {
  const rec = recorder(false, 500);
  const tx = new NonInviteClientTransaction('k', BYE, rec.env);
  tx.start();
  rec.clock.advance(64 * 500);
  t.same(
    rec.sent.map(([time]) => time),
    [0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500],
  );
  t.same(await tx.outcome, { kind: 'timeout' });
  t.equal(tx.state, 'terminated');
  t.equal(rec.clock.pending, 0);
});

t.test('Proceeding retransmits every T2; a final response completes, Timer K terminates', async (t) => {
  const rec = recorder(false, 500);
  const tx = new NonInviteClientTransaction('k', BYE, rec.env);
  tx.start();
  tx.receiveResponse(response(100));
  t.equal(tx.state, 'proceeding');
  rec.clock.advance(500 + 4000);
  t.same(rec.sent.map(([time]) => time), [0, 500, 4500], 'E resets to T2 in Proceeding');
  const final = response(200);
  tx.receiveResponse(final);
  t.equal(tx.state, 'completed');
  const outcome = await tx.outcome;
  t.equal(outcome.kind, 'response');
  t.equal(outcome.kind === 'response' ? outcome.response.status : 0, 200);
  tx.receiveResponse(response(500));
  rec.clock.advance(4999);
  t.equal(tx.state, 'completed');
  t.equal(rec.sent.length, 3, 'no retransmission after the final response');
  rec.clock.advance(1);
  t.equal(tx.state, 'terminated', 'Timer K = T4');
  t.equal(rec.clock.pending, 0);
});

t.test('TCP: no Timer E, Timer K zero; transport errors and dispose settle the outcome', async (t) => {
  const rec = recorder(true);
  const tx = new NonInviteClientTransaction('k', BYE, rec.env);
  tx.start();
  rec.clock.advance(20000);
  t.equal(rec.sent.length, 1);
  tx.receiveResponse(response(481));
  t.equal(tx.state, 'terminated');
  t.equal(rec.clock.pending, 0);

  const failing = new NonInviteClientTransaction('k2', BYE, recorder().env);
  failing.start();
  failing.transportError();
  t.same(await failing.outcome, { kind: 'transport-error' });

  const disposed = new NonInviteClientTransaction('k3', BYE, rec.env);
  disposed.start();
  disposed.dispose();
  t.same(await disposed.outcome, { kind: 'disposed' });
  t.equal(rec.clock.pending, 0);
});
