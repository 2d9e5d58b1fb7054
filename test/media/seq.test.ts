import t from 'tap';
import { extendSeq, extendTs, seqAdd, seqDiff, seqLess, tsAdd, tsDiff, tsLess, wireSeq, wireTs } from '../../media/seq.js';

t.test('seqDiff and seqLess across the 16-bit wrap', async (t) => {
  t.equal(seqDiff(1, 0), 1);
  t.equal(seqDiff(0, 65535), 1, '0 follows 65535');
  t.equal(seqDiff(65535, 0), -1);
  t.equal(seqDiff(5, 65530), 11);
  t.equal(seqDiff(32767, 0), 32767);
  t.equal(seqDiff(32768, 0), -32768, 'half way is "before" by convention');
  t.ok(seqLess(65535, 0));
  t.notOk(seqLess(0, 65535));
  t.notOk(seqLess(7, 7));
  t.equal(seqAdd(65535, 1), 0);
  t.equal(seqAdd(65530, 10), 4);
});

t.test('tsDiff and tsLess across the 32-bit wrap', async (t) => {
  t.equal(tsDiff(0, 0xffffffff), 1);
  t.equal(tsDiff(0xffffffff, 0), -1);
  t.equal(tsDiff(80, 0xffffff60), 240);
  t.ok(tsLess(0xfffffff0, 16));
  t.equal(tsAdd(0xffffff60, 160), 0);
  t.equal(tsAdd(0xffffffff, 2), 1);
});

t.test('extended sequence numbers keep counting over the wrap', async (t) => {
  let ext = 65534;
  const seen: number[] = [];
  for (const seq of [65535, 0, 1, 65535, 2]) {
    const e = extendSeq(ext, seq);
    seen.push(e);
    ext = Math.max(ext, e);
  }
  t.same(seen, [65535, 65536, 65537, 65535, 65538], 'a late 65535 after the wrap stays in the old cycle');
  t.equal(wireSeq(65538), 2);
  t.equal(extendSeq(3 * 65536 + 10, 5), 3 * 65536 + 5);
});

t.test('extended timestamps keep counting over the wrap', async (t) => {
  const ref = 0xffffff00;
  t.equal(extendTs(ref, 0x60), 0x1_0000_0060);
  t.equal(extendTs(ref, 0xfffffe00), 0xfffffe00);
  t.equal(extendTs(5 * 2 ** 32 + 100, 50), 5 * 2 ** 32 + 50);
  t.equal(wireTs(0x1_0000_0060), 0x60);
  t.equal(extendTs(-380, 100), 100, 'a negative reference (playout before the first packet) works');
});
