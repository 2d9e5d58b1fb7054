import t from 'tap';
import { RtpPacket } from 'rtp.js/packets';
import type { AudioEncoder } from '../../codecs/index.js';
import { OpusEncoder, opusEncoderSettings } from '../../codecs/index.js';
import { Packetizer, type PacketizerOptions } from '../../media/packetizer.js';

/** A test encoder writing each sample's low byte, so payloads show which frames they hold. */
const byteEncoder: AudioEncoder = {
  encode(pcm, out) {
    for (let i = 0; i < pcm.length; i++) out[i] = (pcm[i] ?? 0) & 0xff;
    return pcm.length;
  },
};

interface Sent {
  readonly seq: number;
  readonly ts: number;
  readonly ssrc: number;
  readonly pt: number;
  readonly marker: boolean;
  readonly payload: number[];
}

function setup(overrides: Partial<PacketizerOptions> = {}): { packetizer: Packetizer; sent: Sent[] } {
  const sent: Sent[] = [];
  const randoms = [0xdeadbeef, 0xfffe, 0xfffffe00];
  const packetizer = new Packetizer({
    encoder: byteEncoder,
    payloadType: 8,
    clockRate: 8000,
    sampleRate: 8000,
    ptime: 20,
    random: () => randoms.shift() ?? 0,
    send(datagram) {
      // Parse a copy: the packetizer reuses its buffers.
      const packet = new RtpPacket(new DataView(datagram.slice().buffer));
      const payload = packet.getPayload();
      sent.push({
        seq: packet.getSequenceNumber(),
        ts: packet.getTimestamp(),
        ssrc: packet.getSsrc(),
        pt: packet.getPayloadType(),
        marker: packet.getMarker(),
        payload: [...new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength)],
      });
      return false;
    },
    ...overrides,
  });
  return { packetizer, sent };
}

function frame(value: number, samples = 160): Int16Array {
  return new Int16Array(samples).fill(value);
}

t.test('20 ms: one packet per frame, seq +1, ts +160 across the wrap, marker on the first', async (t) => {
  const { packetizer, sent } = setup();
  for (let i = 0; i < 4; i++) packetizer.push(frame(i + 1));
  t.same(sent.map((p) => p.seq), [0xfffe, 0xffff, 0, 1]);
  t.same(sent.map((p) => p.ts), [0xfffffe00, 0xfffffea0, 0xffffff40, 0xffffffe0]);
  t.same(sent.map((p) => p.marker), [true, false, false, false]);
  t.ok(sent.every((p) => p.ssrc === 0xdeadbeef && p.pt === 8));
  t.same(sent.map((p) => p.payload[0]), [1, 2, 3, 4]);
  t.ok(sent.every((p) => p.payload.length === 160));
  t.same(packetizer.counters(), { packets: 4, payloadOctets: 640, bytes: 4 * 172, dtxFrames: 0 });
});

t.test('30 ms: frames accumulate into 240-sample packets, ts +240', async (t) => {
  const { packetizer, sent } = setup({ ptime: 30 });
  packetizer.push(frame(1));
  t.equal(sent.length, 0, 'not enough for a packet yet');
  packetizer.push(frame(2));
  t.equal(sent.length, 1);
  packetizer.push(frame(3));
  t.equal(sent.length, 2);
  t.same(sent[0]?.payload, [...new Array(160).fill(1), ...new Array(80).fill(2)]);
  t.same(sent[1]?.payload, [...new Array(80).fill(2), ...new Array(160).fill(3)]);
  t.equal(((sent[1]?.ts ?? 0) - (sent[0]?.ts ?? 0)) >>> 0, 240);
  t.equal(((sent[1]?.seq ?? 0) - (sent[0]?.seq ?? 0)) & 0xffff, 1);
});

t.test('10 ms: each frame makes two packets', async (t) => {
  const { packetizer, sent } = setup({ ptime: 10 });
  packetizer.push(frame(7));
  t.equal(sent.length, 2);
  t.equal(((sent[1]?.ts ?? 0) - (sent[0]?.ts ?? 0)) >>> 0, 80);
  t.same(sent.map((p) => p.payload.length), [80, 80]);
});

t.test('silence advances the timestamp and marks the next talkspurt', async (t) => {
  const { packetizer, sent } = setup();
  packetizer.push(frame(1));
  packetizer.silence(3);
  packetizer.push(frame(2));
  t.same(sent.map((p) => p.marker), [true, true]);
  t.equal(((sent[1]?.ts ?? 0) - (sent[0]?.ts ?? 0)) >>> 0, 4 * 160, 'timestamp covers the silent frames');
  t.equal(((sent[1]?.seq ?? 0) - (sent[0]?.seq ?? 0)) & 0xffff, 1, 'no sequence gap');
});

t.test('silence in the middle of a 40 ms packet completes it with zeros', async (t) => {
  const { packetizer, sent } = setup({ ptime: 40 });
  packetizer.push(frame(9));
  packetizer.silence(2);
  t.equal(sent.length, 1);
  t.same(sent[0]?.payload, [...new Array(160).fill(9), ...new Array(160).fill(0)]);
  packetizer.push(frame(5));
  packetizer.push(frame(5));
  t.equal(((sent[1]?.ts ?? 0) - (sent[0]?.ts ?? 0)) >>> 0, 480, '2 silent frames = one in the padded packet + one skipped');
  t.equal(sent[1]?.marker, true);
});

t.test('continueFrom keeps SSRC, sequence and timestamp across a rebuild', async (t) => {
  const first = setup();
  first.packetizer.push(frame(1));
  const position = first.packetizer.position();
  const second = setup({ ptime: 30, continueFrom: position });
  second.packetizer.push(frame(2));
  second.packetizer.push(frame(2));
  t.equal(second.sent[0]?.ssrc, 0xdeadbeef);
  t.equal(second.sent[0]?.seq, 0xffff);
  t.equal(second.sent[0]?.ts, 0xfffffea0);
});

t.test('buffers are reused in turn, except one the transport still holds', async (t) => {
  const datagrams: Uint8Array[] = [];
  const packetizer = new Packetizer({
    encoder: byteEncoder,
    payloadType: 0,
    clockRate: 8000,
    sampleRate: 8000,
    ptime: 20,
    // The second packet's send is "queued": its bytes must survive what follows.
    send: (d) => datagrams.push(d) === 2,
  });
  for (let i = 1; i <= 9; i++) packetizer.push(frame(i));
  const buffers = datagrams.map((d) => d.buffer);
  t.equal(buffers[4], buffers[0], 'the ring comes round after four packets');
  t.not(buffers[5], buffers[1], 'the held buffer was replaced, not reused');
  t.equal(datagrams[1]?.[12], 2, 'and still holds the second packet');
  t.equal(buffers[9 - 1], buffers[4], 'the ring goes on');
});

/**
 * A DTX-capable test encoder: a silent frame encodes to one byte (as Opus's
 * TOC-only DTX packet), audio to one byte per sample.
 */
const dtxEncoder: AudioEncoder = {
  dtxMaxBytes: 2,
  encode(pcm, out) {
    if (pcm.every((v) => v === 0)) {
      out[0] = 0xf8;
      return 1;
    }
    return byteEncoder.encode(pcm, out);
  },
};

t.test('DTX frames are not sent: ts moves on, seq does not, the next packet has the marker', async (t) => {
  const { packetizer, sent } = setup({ encoder: dtxEncoder });
  packetizer.push(frame(1));
  packetizer.push(frame(2));
  for (let i = 0; i < 5; i++) packetizer.push(frame(0));
  packetizer.push(frame(3));
  packetizer.push(frame(4));
  t.same(sent.map((p) => p.payload[0]), [1, 2, 3, 4], 'the five DTX frames were not sent');
  t.same(sent.map((p) => p.seq), [0xfffe, 0xffff, 0, 1], 'no sequence gap: the receiver sees no loss');
  t.same(
    sent.map((p) => (p.ts - 0xfffffe00) >>> 0),
    [0, 160, 7 * 160, 8 * 160],
    'the timestamp covers the untransmitted frames',
  );
  t.same(sent.map((p) => p.marker), [true, false, true, false], 'the packet after the gap starts a talkspurt');
  t.same(packetizer.counters(), { packets: 4, payloadOctets: 640, bytes: 4 * 172, dtxFrames: 5 });
  t.same(packetizer.position(), { ssrc: 0xdeadbeef, seq: 2, ts: (0xfffffe00 + 9 * 160) >>> 0 });
});

t.test('DTX with 40 ms packets skips whole packets', async (t) => {
  const { packetizer, sent } = setup({ encoder: dtxEncoder, ptime: 40 });
  for (const v of [1, 1, 0, 0, 0, 0, 2, 2]) packetizer.push(frame(v));
  t.same(sent.map((p) => [p.payload[0], (p.ts - 0xfffffe00) >>> 0, p.marker]), [
    [1, 0, true],
    [2, 960, true],
  ]);
  t.equal(((sent[1]?.seq ?? 0) - (sent[0]?.seq ?? 0)) & 0xffff, 1);
  t.equal(packetizer.counters().dtxFrames, 2);
});

t.test('codecs without DTX send every frame, however short', async (t) => {
  const oneByte: AudioEncoder = { encode: (_pcm, out) => ((out[0] = 7), 1) };
  const { packetizer, sent } = setup({ encoder: oneByte });
  for (let i = 0; i < 3; i++) packetizer.push(frame(0));
  t.same(sent.map((p) => p.payload), [[7], [7], [7]]);
  t.same(sent.map((p) => p.seq), [0xfffe, 0xffff, 0]);
  t.equal(packetizer.counters().dtxFrames, 0);
});

t.test('Opus with DTX: silence stops the packets, speech brings them back with the marker', async (t) => {
  const withDtx = new OpusEncoder(opusEncoderSettings({ usedtx: '1' }, 48000, { bitrate: 32000, complexity: 5, fec: true, dtx: true }));
  const withoutDtx = new OpusEncoder(opusEncoderSettings({ usedtx: '1' }, 48000, { bitrate: 32000, complexity: 5, fec: true, dtx: false }));
  t.teardown(() => {
    withDtx.close();
    withoutDtx.close();
  });
  t.equal(withDtx.dtxMaxBytes, 2);
  t.equal(withoutDtx.dtxMaxBytes, 0);
  const tone = (k: number): Int16Array => {
    const pcm = new Int16Array(960);
    for (let i = 0; i < 960; i++) pcm[i] = Math.round(6000 * Math.sin((2 * Math.PI * 440 * (k * 960 + i)) / 48000));
    return pcm;
  };
  const run = (encoder: OpusEncoder): Sent[] => {
    const { packetizer, sent } = setup({ encoder, clockRate: 48000, sampleRate: 48000, payloadType: 111 });
    for (let k = 0; k < 10; k++) packetizer.push(tone(k));
    for (let k = 0; k < 100; k++) packetizer.push(new Int16Array(960)); // 2 s of digital silence
    for (let k = 0; k < 10; k++) packetizer.push(tone(k));
    return sent;
  };
  const dtx = run(withDtx);
  const plain = run(withoutDtx);
  t.equal(plain.length, 120, 'without DTX every 20 ms frame is a packet');
  t.ok(dtx.length < 60, `with DTX most of the silence is not sent (${dtx.length} packets for 120 frames)`);
  t.ok(dtx.every((p) => p.payload.length > 2), 'no 1–2 byte DTX packet goes on the wire');
  t.ok(dtx.every((p, i) => i === 0 || p.seq === (((dtx[i - 1]?.seq ?? 0) + 1) & 0xffff)), 'sequence numbers stay contiguous');
  const last = dtx[dtx.length - 1];
  t.equal(((last?.ts ?? 0) - (dtx[0]?.ts ?? 0)) >>> 0, 119 * 960, 'the timestamp still runs at 48 kHz through the silence');
  const resumed = dtx.findIndex((p, i) => i > 0 && ((p.ts - (dtx[i - 1]?.ts ?? 0)) >>> 0) > 960);
  t.ok(resumed > 0, 'there is a gap in the timestamps');
  t.equal(dtx[resumed]?.marker, true, 'the first packet after a gap carries the marker');
  t.ok(dtx.every((p, i) => p.marker === (i === 0 || ((p.ts - (dtx[i - 1]?.ts ?? 0)) >>> 0) > 960)), 'and only packets after a gap (or the first) do');
});
