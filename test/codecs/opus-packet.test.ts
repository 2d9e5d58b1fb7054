import t from 'tap';
import { firstFrame, readToc } from '../../codecs/opus-packet.js';

t.test('TOC byte: mode, bandwidth, frame size, channels (RFC 6716 §3.1)', async (t) => {
  t.same(readToc(0b00001_0_00, 48000), { mode: 1000, bandwidth: 1101, frameSamples: 960, streamChannels: 1 }, 'config 1: SILK NB 20 ms');
  t.same(readToc(0b01011_1_00, 16000), { mode: 1000, bandwidth: 1103, frameSamples: 960, streamChannels: 2 }, 'config 11: SILK WB 60 ms, stereo');
  t.same(readToc(0b01101_0_00, 48000), { mode: 1001, bandwidth: 1104, frameSamples: 960, streamChannels: 1 }, 'config 13: hybrid SWB 20 ms');
  t.same(readToc(0b01110_0_00, 48000), { mode: 1001, bandwidth: 1105, frameSamples: 480, streamChannels: 1 }, 'config 14: hybrid FB 10 ms');
  t.same(readToc(0b10000_0_00, 48000), { mode: 1002, bandwidth: 1101, frameSamples: 120, streamChannels: 1 }, 'config 16: CELT NB 2.5 ms');
  t.same(readToc(0b11111_0_00, 8000), { mode: 1002, bandwidth: 1105, frameSamples: 160, streamChannels: 1 }, 'config 31: CELT FB 20 ms');
});

t.test('first frame of codes 0-3 (RFC 6716 §3.2); malformed packets are null', async (t) => {
  t.same(firstFrame(Uint8Array.from([0x08, 1, 2, 3])), { offset: 1, length: 3 }, 'code 0');
  t.same(firstFrame(Uint8Array.from([0x09, 1, 2, 3, 4])), { offset: 1, length: 2 }, 'code 1: two equal frames');
  t.equal(firstFrame(Uint8Array.from([0x09, 1, 2, 3])), null, 'code 1 with an odd length');
  t.same(firstFrame(Uint8Array.from([0x0a, 2, 9, 9, 8])), { offset: 2, length: 2 }, 'code 2: one-byte length');
  const long = new Uint8Array(3 + 300 + 5);
  long.set([0x0a, 252 + (300 - 252) % 4, Math.floor((300 - 252) / 4)]);
  t.same(firstFrame(long), { offset: 3, length: 300 }, 'code 2: two-byte length 300');
  t.equal(firstFrame(Uint8Array.from([0x0a, 200, 1])), null, 'code 2 overrunning');
  t.same(firstFrame(Uint8Array.from([0x0b, 0x03, 1, 2, 3, 4, 5, 6])), { offset: 2, length: 2 }, 'code 3 CBR, 3 frames');
  t.same(firstFrame(Uint8Array.from([0x0b, 0x42, 2, 7, 7, 8, 8, 0, 0])), { offset: 3, length: 2 }, 'code 3 CBR with 2 bytes of padding');
  t.same(firstFrame(Uint8Array.from([0x0b, 0x83, 1, 2, 9, 8, 8, 7, 7, 7])), { offset: 4, length: 1 }, 'code 3 VBR: two lengths, then data');
  t.equal(firstFrame(Uint8Array.from([0x0b, 0x00])), null, 'code 3 with no frames');
  t.equal(firstFrame(new Uint8Array(0)), null);
});
