/**
 * The packetizer writes RTP headers by hand into reused buffers: the bytes
 * must be exactly what RFC 3550 §5.1 says (checked field by field with rtp.js
 * and as literal bytes), and a reused buffer's datagram must have the length
 * of its own packet when payload sizes change from packet to packet (VBR).
 */
import t from 'tap';
import { RtpPacket } from 'rtp.js/packets';
import type { AudioEncoder } from '../../codecs/index.js';
import { Packetizer } from '../../media/packetizer.js';

function frame(value: number): Int16Array {
  return new Int16Array(160).fill(value);
}

t.test('header bytes: V=2, marker|PT, seq, ts and SSRC big-endian, payload right after', async (t) => {
  const sent: Uint8Array[] = [];
  const randoms = [0x89abcdef, 0xfffe, 0xfffffff0];
  const encoder: AudioEncoder = {
    encode(pcm, out) {
      for (let i = 0; i < 4; i++) out[i] = ((pcm[0] ?? 0) + i) & 0xff;
      return 4;
    },
  };
  const packetizer = new Packetizer({
    encoder,
    payloadType: 101,
    clockRate: 8000,
    sampleRate: 8000,
    ptime: 20,
    random: () => randoms.shift() ?? 0,
    send: (datagram) => {
      sent.push(datagram.slice());
      return false;
    },
  });
  for (let i = 0; i < 6; i++) packetizer.push(frame(0x10 * i));
  t.same(
    [...(sent[0] ?? [])],
    [0b1000_0000, 0b1_1100101, 0xff, 0xfe, 0xff, 0xff, 0xff, 0xf0, 0x89, 0xab, 0xcd, 0xef, 0x00, 0x01, 0x02, 0x03],
    'first packet: marker set, seq 0xfffe, ts 0xfffffff0, SSRC 0x89abcdef, 4 payload bytes',
  );
  t.same([...(sent[2] ?? new Uint8Array(0)).subarray(1, 8)], [101, 0x00, 0x00, 0x00, 0x00, 0x01, 0x30], 'third: no marker, seq and ts wrapped');
  for (const [i, bytes] of sent.entries()) {
    const packet = new RtpPacket(new DataView(bytes.buffer));
    t.equal(packet.getSequenceNumber(), (0xfffe + i) & 0xffff, `rtp.js reads seq of packet ${i}`);
    t.equal(packet.getTimestamp(), (0xfffffff0 + 160 * i) >>> 0, `rtp.js reads ts of packet ${i}`);
    t.equal(packet.getSsrc(), 0x89abcdef);
    t.equal(packet.getPayloadType(), 101);
    t.equal(packet.getMarker(), i === 0);
    t.equal(packet.getPayload().byteLength, 4);
  }
});

t.test('variable payload sizes: every datagram has its own packet length, reused buffers included', async (t) => {
  const lengths = [40, 7, 40, 120, 3, 3, 88, 40, 40, 1, 60];
  let call = 0;
  const encoder: AudioEncoder = {
    encode(pcm, out) {
      const n = lengths[call++ % lengths.length] ?? 0;
      out.fill((pcm[0] ?? 0) & 0xff, 0, n);
      return n;
    },
  };
  const got: { length: number; payload: number[] }[] = [];
  const packetizer = new Packetizer({
    encoder,
    payloadType: 111,
    clockRate: 48000,
    sampleRate: 48000,
    ptime: 20,
    send: (datagram) => {
      got.push({ length: datagram.length, payload: [...new Set(datagram.subarray(12))] });
      return false;
    },
  });
  const frames = 3 * lengths.length;
  for (let i = 0; i < frames; i++) packetizer.push(new Int16Array(960).fill(i + 1));
  t.same(
    got.map((g) => g.length),
    Array.from({ length: frames }, (_, i) => 12 + (lengths[i % lengths.length] ?? 0)),
    'datagram length = header + that packet’s payload',
  );
  t.same(
    got.map((g) => g.payload),
    Array.from({ length: frames }, (_, i) => [i + 1]),
    'each datagram carries only its own payload bytes',
  );
  t.equal(packetizer.counters().bytes, got.reduce((sum, g) => sum + g.length, 0));
});
