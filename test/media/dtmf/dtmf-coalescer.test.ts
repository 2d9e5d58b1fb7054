import t from 'tap';
import { DtmfCoalescer } from '../../../media/dtmf/index.js';
import type { DtmfSource } from '../../../media/protocol.js';

function collect(): { coalescer: DtmfCoalescer; out: [string, number, DtmfSource][] } {
  const out: [string, number, DtmfSource][] = [];
  return { coalescer: new DtmfCoalescer((digit, durationMs, source) => out.push([digit, durationMs, source])), out };
}

t.test('one press seen by all three sources is emitted once, with the first source', async (t) => {
  const { coalescer, out } = collect();
  t.ok(coalescer.report('5', 100, 'inband', 1000));
  t.notOk(coalescer.report('5', 120, 'rfc4733', 1030), 'RFC 4733 end 30 ms later');
  t.notOk(coalescer.report('5', 100, 'info', 1100), 'INFO after both');
  t.same(out, [['5', 100, 'inband']]);
  t.same(coalescer.stats, { emitted: 1, duplicates: 2 });
});

t.test('INFO sent at key-down matches the RFC 4733 end that follows', async (t) => {
  const { coalescer, out } = collect();
  coalescer.report('#', 160, 'info', 5000);
  coalescer.report('#', 160, 'rfc4733', 5160);
  t.same(out, [['#', 160, 'info']]);
});

t.test('repeated presses through one source are all emitted; their doubles pair off one by one', async (t) => {
  const { coalescer, out } = collect();
  coalescer.report('1', 80, 'rfc4733', 1000);
  coalescer.report('1', 80, 'rfc4733', 1200);
  // In-band reports lag a little; each matches one RFC 4733 press.
  coalescer.report('1', 80, 'inband', 1010);
  coalescer.report('1', 80, 'inband', 1210);
  t.same(out, [['1', 80, 'rfc4733'], ['1', 80, 'rfc4733']]);
  // A third in-band press has no RFC 4733 counterpart: a new press.
  coalescer.report('1', 80, 'inband', 1400);
  t.equal(out.length, 3);
  t.same(out[2], ['1', 80, 'inband']);
});

t.test('other digits and reports outside the window are separate presses', async (t) => {
  const { coalescer, out } = collect();
  coalescer.report('2', 100, 'rfc4733', 1000);
  coalescer.report('3', 100, 'inband', 1000);
  coalescer.report('2', 100, 'inband', 1000 + 100 + 260);
  t.same(out.map(([d, , s]) => `${d}/${s}`), ['2/rfc4733', '3/inband', '2/inband']);
  coalescer.report('a', 100, 'info', 10_000);
  t.same(out[3], ['A', 100, 'info'], 'digits are upper-cased');
});
