import t from 'tap';
import { parseRtp } from './rtp-endpoint.js';

// V=2 P=0 X=0 CC=0 | M=1 PT=8 | seq 0x1234 | ts 0x00000140 | ssrc 0xdeadbeef | payload d5 d5
const MINIMAL = Uint8Array.from([
  0b10_0_0_0000, 0b1_0001000, 0x12, 0x34,
  0x00, 0x00, 0x01, 0x40,
  0xde, 0xad, 0xbe, 0xef,
  0xd5, 0xd5,
]);

// V=2 P=1 X=1 CC=1 | M=0 PT=0 | one CSRC | extension of one word | payload aa | 3 bytes of padding
const FULL = Uint8Array.from([
  0b10_1_1_0001, 0b0_0000000, 0x00, 0x01,
  0x00, 0x00, 0x00, 0xa0,
  0x00, 0x00, 0x00, 0x01,
  0x11, 0x22, 0x33, 0x44, // CSRC
  0xbe, 0xde, 0x00, 0x01, // extension header: profile, length 1 word
  0x10, 0xff, 0x00, 0x00, // extension word
  0xaa, // payload
  0x00, 0x00, 0x03, // padding, last byte = count
]);

t.test('parses a minimal RTP packet', async (t) => {
  const parsed = parseRtp(MINIMAL);
  t.same(parsed?.header, { sequenceNumber: 0x1234, timestamp: 320, payloadType: 8, marker: true, ssrc: 0xdeadbeef, payloadBytes: 2 });
  t.same([...(parsed?.payload ?? [])], [0xd5, 0xd5]);
});

t.test('skips CSRCs and the header extension, strips padding', async (t) => {
  const parsed = parseRtp(FULL);
  t.equal(parsed?.header.payloadType, 0);
  t.equal(parsed?.header.marker, false);
  t.same([...(parsed?.payload ?? [])], [0xaa]);
});

t.test('refuses truncated, wrong-version and RTCP packets', async (t) => {
  t.equal(parseRtp(MINIMAL.subarray(0, 11)), null, 'shorter than the fixed header');
  t.equal(parseRtp(FULL.subarray(0, 14)), null, 'CSRC list cut off');
  t.equal(parseRtp(FULL.subarray(0, 18)), null, 'extension cut off');
  const v1 = MINIMAL.slice();
  v1[0] = 0b01_0_0_0000;
  t.equal(parseRtp(v1), null, 'version 1');
  const rtcp = MINIMAL.slice();
  rtcp[1] = 200; // SR
  t.equal(parseRtp(rtcp), null, 'RTCP sender report on a muxed port');
  const badPadding = MINIMAL.slice();
  badPadding[0] = 0b10_1_0_0000;
  badPadding[13] = 40;
  t.equal(parseRtp(badPadding), null, 'padding longer than the payload');
});
