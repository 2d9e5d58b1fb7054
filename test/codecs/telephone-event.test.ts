import t from 'tap';
import { dtmfDigit, parseTelephoneEvent, writeTelephoneEvent } from '../../codecs/index.js';

t.test('parse reads the RFC 4733 fields', async (t) => {
  // event 5, E=1 R=0 volume 10, duration 800
  const payload = Uint8Array.from([0b0000_0101, 0b1000_1010, 0b0000_0011, 0b0010_0000]);
  t.same(parseTelephoneEvent(payload), { event: 5, end: true, volume: 10, duration: 800 });
  // R bit set is ignored; not end.
  t.same(parseTelephoneEvent(Uint8Array.from([11, 0b0111_1111, 0xff, 0xff, 0xaa])), {
    event: 11,
    end: false,
    volume: 63,
    duration: 65535,
  });
});

t.test('parse rejects truncated payloads', async (t) => {
  t.equal(parseTelephoneEvent(new Uint8Array(0)), null);
  t.equal(parseTelephoneEvent(Uint8Array.from([1, 2, 3])), null);
});

t.test('write produces the wire bytes and round-trips', async (t) => {
  const out = new Uint8Array(6).fill(0xee);
  t.equal(writeTelephoneEvent({ event: 10, end: true, volume: 7, duration: 1600 }, out), 4);
  t.same(Array.from(out), [10, 0b1000_0111, 0x06, 0x40, 0xee, 0xee]);
  t.same(parseTelephoneEvent(out), { event: 10, end: true, volume: 7, duration: 1600 });
  // Out-of-range fields are masked/clamped, never spill into other bits.
  writeTelephoneEvent({ event: 0x1ff, end: false, volume: 0xff, duration: 70000 }, out);
  t.same(Array.from(out.subarray(0, 4)), [0xff, 0x3f, 0xff, 0xff]);
  t.equal(writeTelephoneEvent({ event: 1, end: false, volume: 0, duration: 0 }, new Uint8Array(3)), 0);
});

t.test('dtmfDigit maps 0..15 and nothing else', async (t) => {
  t.equal([...Array(16).keys()].map((e) => dtmfDigit(e)).join(''), '0123456789*#ABCD');
  t.equal(dtmfDigit(16), null);
  t.equal(dtmfDigit(-1), null);
  t.equal(dtmfDigit(1.5), null);
});
