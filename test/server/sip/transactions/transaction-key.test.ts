import t from 'tap';
import { serverTransactionKey } from '../../../../server/sip/transactions/transaction-key.js';
import { parseSipMessage } from '../../../../server/sip/parser.js';
import type { SipRequest } from '../../../../server/sip/message.js';
import { fixture, LIMITS } from '../fixtures/fixture-files.js';

function parse(text: string): SipRequest {
  const result = parseSipMessage(Buffer.from(text), LIMITS);
  if (!result.ok || result.message.kind !== 'request') throw new Error('parse');
  return result.message;
}

const invite = fixture('invite-sipp.sip').toString();

t.test('RFC 3261 branch: ACK matches its INVITE, CANCEL only when asked for INVITE', async (t) => {
  const key = serverTransactionKey(parse(invite));
  const ack = parse(invite.replace('INVITE sip:', 'ACK sip:').replace('CSeq: 1 INVITE', 'CSeq: 1 ACK'));
  t.equal(serverTransactionKey(ack), key);
  const cancel = parse(fixture('cancel.sip').toString());
  t.not(serverTransactionKey(cancel), key);
  t.equal(serverTransactionKey(cancel, 'INVITE'), key);
  const otherSentBy = parse(invite.replace('127.0.0.1:5061;branch', '127.0.0.2:5061;branch'));
  t.not(serverTransactionKey(otherSentBy), key, 'sent-by is part of the key');
});

t.test('RFC 2543 fallback without the magic cookie', async (t) => {
  const old = invite.replace('branch=z9hG4bK-4242-1-0', 'branch=oldstyle1');
  const key = serverTransactionKey(parse(old));
  t.notMatch(key, /^z9hG4bK/);
  const ack = parse(old.replace('INVITE sip:', 'ACK sip:').replace('CSeq: 1 INVITE', 'CSeq: 1 ACK').replace('<sip:service@127.0.0.1:5060>', '<sip:service@127.0.0.1:5060>;tag=ours'));
  t.equal(serverTransactionKey(ack), key, 'ACK with our To tag still matches');
  const next = parse(old.replace('CSeq: 1 INVITE', 'CSeq: 2 INVITE'));
  t.not(serverTransactionKey(next), key, 'a new CSeq is a new transaction');
});
