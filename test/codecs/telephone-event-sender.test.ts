/**
 * The RFC 4733 sender, byte-checked against the RFC's worked example: the
 * dial string "911" of RFC 4733 §5 (RFC 2833 §3.10 before it) at 8 kHz with
 * 50 ms updates: "9" from 0 ms for 200 ms (1600 units), "1" from 880 ms
 * (timestamp 7040) for 250 ms (2000 units), "1" again from 1.4 s (11200).
 * Each row's fields follow §2.5.1: marker on an event's first packet, the
 * event's start as timestamp, the duration so far (400 units per 50 ms), the
 * final duration with the E bit sent three times, each time as its own RTP
 * packet with the next sequence number. Volume is not part of the example;
 * the sender's default, 10 (−10 dBm0), is used.
 */
import t from 'tap';
import { TelephoneEventReceiver, TelephoneEventSender, dtmfEventCode, type DtmfReport, type TelephoneEventPacket } from '../../codecs/index.js';
import { rtpDatagram } from '../fixtures/rtp/packets.js';

interface Sent {
  readonly bytes: number[];
  readonly marker: boolean;
  readonly timestamp: number;
  readonly end: boolean;
}

function drain(sender: TelephoneEventSender): Sent[] {
  const sent: Sent[] = [];
  for (let p: TelephoneEventPacket | null = sender.next(); p !== null; p = sender.next()) {
    sent.push({ bytes: [...p.payload], marker: p.marker, timestamp: p.timestamp, end: p.end });
  }
  return sent;
}

const EVENT_PT = 101;
const SSRC = 0x11223344;

/** One row of the example: when the packet leaves, and its RTP and event fields. */
interface Row {
  readonly ms: number;
  readonly marker: boolean;
  readonly ts: number;
  readonly seq: number;
  readonly event: number;
  readonly end: boolean;
  readonly duration: number;
}

//            send time   M      timestamp   seq      event     E      duration
const row = (ms: number, marker: boolean, ts: number, seq: number, event: number, end: boolean, duration: number): Row => ({ ms, marker, ts, seq, event, end, duration });
const EXAMPLE_911: readonly Row[] = [
  row(50, true, 0, 1, 9, false, 400), // "9" starts at 0 ms
  row(100, false, 0, 2, 9, false, 800),
  row(150, false, 0, 3, 9, false, 1200),
  row(200, false, 0, 4, 9, true, 1600), // "9" ends at 200 ms
  row(250, false, 0, 5, 9, true, 1600), // final packet, second time
  row(300, false, 0, 6, 9, true, 1600), // and third
  row(930, true, 7040, 7, 1, false, 400), // first "1" starts at 880 ms
  row(980, false, 7040, 8, 1, false, 800),
  row(1030, false, 7040, 9, 1, false, 1200),
  row(1080, false, 7040, 10, 1, false, 1600),
  row(1130, false, 7040, 11, 1, true, 2000), // ends at 1130 ms
  row(1180, false, 7040, 12, 1, true, 2000),
  row(1230, false, 7040, 13, 1, true, 2000),
  row(1450, true, 11200, 14, 1, false, 400), // second "1" starts at 1400 ms
];

/** Three rows as full datagrams, bit by bit: the first "9", its last end packet, the second "1". */
const WIRE: Readonly<Record<number, Uint8Array>> = {
  1: Uint8Array.from([
    0b10_0_0_0000, //       V=2 P=0 X=0 CC=0
    0b1_1100101, //         M=1 PT=101
    0x00, 0x01, //          sequence number 1
    0x00, 0x00, 0x00, 0x00, // timestamp 0: the event's start
    0x11, 0x22, 0x33, 0x44, // SSRC
    0b0000_1001, //         event 9
    0b0_0_001010, //        E=0 R=0 volume 10
    0x01, 0x90, //          duration 400
  ]),
  6: Uint8Array.from([
    0b10_0_0_0000,
    0b0_1100101, //         M=0
    0x00, 0x06,
    0x00, 0x00, 0x00, 0x00,
    0x11, 0x22, 0x33, 0x44,
    0b0000_1001,
    0b1_0_001010, //        E=1 R=0 volume 10
    0x06, 0x40, //          duration 1600, as in the first end packet
  ]),
  14: Uint8Array.from([
    0b10_0_0_0000,
    0b1_1100101, //         M=1: a new event
    0x00, 0x0e,
    0x00, 0x00, 0x2b, 0xc0, // timestamp 11200
    0x11, 0x22, 0x33, 0x44,
    0b0000_0001, //         event 1
    0b0_0_001010,
    0x01, 0x90,
  ]),
};

/**
 * Drives the sender as the media path will: key presses at their times, a
 * packet every 50 ms from 50 ms after each press, one RTP sequence number per packet.
 */
function dial911(): { rows: Row[]; datagrams: Map<number, Uint8Array> } {
  const sender = new TelephoneEventSender({ clockRate: 8000, ptime: 50 });
  const presses = new Map<number, [string, number]>([
    [0, ['9', 200]],
    [880, ['1', 250]],
    [1400, ['1', 150]],
  ]);
  const rows: Row[] = [];
  const datagrams = new Map<number, Uint8Array>();
  let seq = 1;
  let sendAt = -1;
  for (let ms = 0; ms <= 1450; ms += 10) {
    const press = presses.get(ms);
    if (press !== undefined && sender.start(press[0], ms * 8, press[1])) sendAt = ms + 50;
    if (ms !== sendAt) continue;
    const packet = sender.next();
    if (packet === null) continue;
    sendAt += 50;
    const [event = -1, flags = 0, high = 0, low = 0] = packet.payload;
    rows.push({ ms, marker: packet.marker, ts: packet.timestamp, seq, event, end: (flags & 0x80) !== 0, duration: (high << 8) | low });
    datagrams.set(seq, rtpDatagram({ pt: EVENT_PT, seq, ts: packet.timestamp, ssrc: SSRC, marker: packet.marker }, packet.payload));
    seq++;
  }
  return { rows, datagrams };
}

t.test('RFC 4733 §5 example, dial string 911: every packet, every field, three datagrams byte for byte', async (t) => {
  const { rows, datagrams } = dial911();
  t.same(rows, EXAMPLE_911);
  for (const [seq, wire] of Object.entries(WIRE)) t.same([...(datagrams.get(Number(seq)) ?? [])], [...wire], `datagram ${seq}`);
  // A receiver reports each press once, from its first end packet, with the full duration.
  const receiver = new TelephoneEventReceiver();
  const reports: DtmfReport[] = [];
  for (const [, datagram] of datagrams) {
    const view = new DataView(datagram.buffer, datagram.byteOffset);
    const report = receiver.push(view.getUint32(4), datagram.subarray(12));
    if (report !== null) reports.push(report);
  }
  t.same(reports, [
    { digit: '9', durationSamples: 1600 },
    { digit: '1', durationSamples: 2000 },
  ]);
});

t.test('digit 9 for 200 ms with volume 7: the E|R|volume octet', async (t) => {
  const sender = new TelephoneEventSender({ clockRate: 8000, ptime: 50, volume: 7 });
  t.equal(sender.active, false);
  t.ok(sender.start('9', 0, 200));
  const sent = drain(sender);
  //            event       E|R|volume  duration (big-endian)
  t.same(sent, [
    { bytes: [0b0000_1001, 0b0000_0111, 0x01, 0x90], marker: true, timestamp: 0, end: false }, // 400
    { bytes: [0b0000_1001, 0b0000_0111, 0x03, 0x20], marker: false, timestamp: 0, end: false }, // 800
    { bytes: [0b0000_1001, 0b0000_0111, 0x04, 0xb0], marker: false, timestamp: 0, end: false }, // 1200
    { bytes: [0b0000_1001, 0b1000_0111, 0x06, 0x40], marker: false, timestamp: 0, end: true }, // 1600, E
    { bytes: [0b0000_1001, 0b1000_0111, 0x06, 0x40], marker: false, timestamp: 0, end: true },
    { bytes: [0b0000_1001, 0b1000_0111, 0x06, 0x40], marker: false, timestamp: 0, end: true },
  ]);
  t.equal(sender.next(), null, 'idle after the third end packet');
  t.equal(new TelephoneEventSender({ clockRate: 8000, ptime: 20, volume: 99 }).start('1', 0, 20), true);
});

t.test('20 ms ptime, 100 ms press, any clock rate; a new press replaces the old one', async (t) => {
  const sender = new TelephoneEventSender({ clockRate: 48000, ptime: 20 });
  t.ok(sender.start('#', 0xfffffff0, 100));
  const sent = drain(sender);
  t.same(
    sent.map((p) => [p.bytes[0], p.bytes[1], ((p.bytes[2] ?? 0) << 8) | (p.bytes[3] ?? 0), p.marker, p.end]),
    [
      [11, 10, 960, true, false],
      [11, 10, 1920, false, false],
      [11, 10, 2880, false, false],
      [11, 10, 3840, false, false],
      [11, 0x80 | 10, 4800, false, true],
      [11, 0x80 | 10, 4800, false, true],
      [11, 0x80 | 10, 4800, false, true],
    ],
  );
  t.ok(sent.every((p) => p.timestamp === 0xfffffff0), 'every packet carries the start timestamp');
  sender.start('1', 1000, 60);
  sender.next();
  sender.start('2', 2000, 20);
  t.same(
    drain(sender).map((p) => [p.bytes[0], p.timestamp, p.marker]),
    [
      [2, 2000, true],
      [2, 2000, false],
      [2, 2000, false],
    ],
  );
  t.equal(sender.start('x', 0, 100), false, 'unknown key');
  t.same(['0', '*', '#', 'a', 'D', 'flash', '12', ''].map(dtmfEventCode), [0, 10, 11, 12, 15, 16, null, null]);
});

t.test('a press longer than 0xFFFF units is sent in segments the receiver joins into one', async (t) => {
  // 10 s at 8 kHz = 80000 units: a full segment of 65535, then 14465 more.
  const sender = new TelephoneEventSender({ clockRate: 8000, ptime: 20 });
  sender.start('5', 1000, 10000);
  const sent = drain(sender);
  const segmentEnd = sent.findIndex((p) => p.timestamp !== 1000);
  const last = sent[segmentEnd - 1];
  t.same(last?.bytes.slice(1), [10, 0xff, 0xff], 'the first segment ends at duration 0xFFFF without E');
  t.same(
    sent.slice(segmentEnd - 4, segmentEnd).map((p) => ((p.bytes[2] ?? 0) << 8) | (p.bytes[3] ?? 0)),
    [65440, 0xffff, 0xffff, 0xffff],
    'its last packet goes out three times (§2.5.1.4: for each event and each segment)',
  );
  t.equal(sent[segmentEnd]?.timestamp, 1000 + 0xffff, 'the next starts where it ended');
  t.equal(
    ((sent[segmentEnd]?.bytes[2] ?? 0) << 8) | (sent[segmentEnd]?.bytes[3] ?? 0),
    65440 + 4 * 160 - 0xffff,
    'with the time that passed while the segment end repeated',
  );
  t.equal(sent[segmentEnd]?.marker, false, 'without the marker bit');
  t.equal(sent.filter((p) => p.marker).length, 1);
  const final = sent[sent.length - 1];
  t.equal(((final?.bytes[2] ?? 0) << 8) | (final?.bytes[3] ?? 0), 80000 - 0xffff);
  t.equal(sent.filter((p) => p.end).length, 3);

  const receiver = new TelephoneEventReceiver();
  const reports = sent.map((p) => receiver.push(p.timestamp, Uint8Array.from(p.bytes))).filter((r) => r !== null);
  t.same(reports, [{ digit: '5', durationSamples: 80000 }], 'one press of 10 s');
});

t.test('a press that ends while a full segment’s last packet repeats ends in a short last segment', async (t) => {
  const sender = new TelephoneEventSender({ clockRate: 8000, ptime: 20 });
  sender.start('7', 0, (0xffff + 50) / 8);
  const sent = drain(sender);
  const tail = sent.slice(-6).map((p) => [p.timestamp, ((p.bytes[2] ?? 0) << 8) | (p.bytes[3] ?? 0), p.end]);
  t.same(tail, [
    [0, 0xffff, false],
    [0, 0xffff, false],
    [0, 0xffff, false],
    [0xffff, 50, true],
    [0xffff, 50, true],
    [0xffff, 50, true],
  ]);
  const receiver = new TelephoneEventReceiver();
  const reports = sent.map((p) => receiver.push(p.timestamp, Uint8Array.from(p.bytes))).filter((r) => r !== null);
  t.same(reports, [{ digit: '7', durationSamples: 0xffff + 50 }]);
});

t.test('the receiver still splits different events that merely follow each other', async (t) => {
  const receiver = new TelephoneEventReceiver();
  const full = Uint8Array.from([5, 10, 0xff, 0xff]);
  t.equal(receiver.push(0, full), null);
  t.same(receiver.push(0xffff, Uint8Array.from([6, 0x80 | 10, 0x00, 0xa0])), { digit: '5', durationSamples: 0xffff }, 'another key is a new press');
});
