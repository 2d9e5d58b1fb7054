import t from 'tap';
import { NonceStore } from '../../../../server/sip/auth/nonces.js';

t.test('a nonce is good until its lifetime, nonce-counts must grow, unknown ones are unknown', async (t) => {
  let now = 1_000_000;
  const store = new NonceStore(60_000, () => now);
  const nonce = store.issue();
  t.match(nonce, /^[A-Za-z0-9_-]{24}$/);
  t.equal(store.check(nonce, '00000001'), 'ok');
  store.commit(nonce, '00000001');
  t.equal(store.check(nonce, '00000001'), 'replay', 'the same nc again is a replay');
  t.equal(store.check(nonce, '00000002'), 'ok');
  t.equal(store.check(nonce, 'zz'), 'replay', 'a malformed nc never passes');
  t.equal(store.check('never-issued', '00000001'), 'unknown');
  now += 60_001;
  t.equal(store.check(nonce, '00000002'), 'stale');
});

t.test('memory is bounded: old and expired nonces are forgotten first', async (t) => {
  let now = 0;
  const store = new NonceStore(1000, () => now, 3);
  const first = store.issue();
  store.issue();
  store.issue();
  store.issue(); // over capacity: the oldest goes
  t.equal(store.size, 3);
  t.equal(store.check(first, '00000001'), 'unknown');
  now = 5000;
  store.issue(); // everything before is expired and dropped
  t.equal(store.size, 1);
});
