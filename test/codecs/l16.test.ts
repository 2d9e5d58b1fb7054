import t from 'tap';
import { l16 } from '../../codecs/index.js';

t.test('L16 is big-endian 16-bit PCM, lossless', async (t) => {
  const encoder = l16.createEncoder?.({ fmtp: {}, ptime: 20 });
  const decoder = l16.createDecoder?.({ fmtp: {}, ptime: 20 });
  if (!encoder || !decoder) throw new Error('L16 lacks coders');
  const out = new Uint8Array(8);
  t.equal(encoder.encode(Int16Array.from([0x0102, -2, 32767, -32768]), out), 8);
  t.same([...out], [0x01, 0x02, 0xff, 0xfe, 0x7f, 0xff, 0x80, 0x00], 'network byte order');
  const back = new Int16Array(4);
  t.equal(decoder.decode(out, back), 4);
  t.same([...back], [0x0102, -2, 32767, -32768]);
  t.equal(decoder.decode(Uint8Array.from([1, 2, 3]), back), 1, 'an odd trailing byte is ignored');
  t.equal(encoder.encode(Int16Array.from([1, 2, 3]), new Uint8Array(5)), 4, 'a short buffer takes whole samples');
});
