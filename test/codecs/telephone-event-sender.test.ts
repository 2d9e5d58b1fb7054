/**
 * The RFC 4733 sender, byte-checked with hand-built payloads, following the
 * shape of RFC 4733 §5's example (digit "9" sent in 50 ms packets at 8 kHz:
 * durations 400, 800, 1200, …; the final duration sent three times with E).
 */
import t from 'tap';
import { TelephoneEventReceiver, TelephoneEventSender, dtmfEventCode, type TelephoneEventPacket } from '../../codecs/index.js';

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

t.test('digit 9 for 200 ms in 50 ms packets: start, updates, three end packets', async (t) => {
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
  t.equal(sent[segmentEnd]?.timestamp, 1000 + 0xffff, 'the next starts where it ended');
  t.equal(sent[segmentEnd]?.marker, false, 'without the marker bit');
  t.equal(sent.filter((p) => p.marker).length, 1);
  const final = sent[sent.length - 1];
  t.equal(((final?.bytes[2] ?? 0) << 8) | (final?.bytes[3] ?? 0), 80000 - 0xffff);
  t.equal(sent.filter((p) => p.end).length, 3);

  const receiver = new TelephoneEventReceiver();
  const reports = sent.map((p) => receiver.push(p.timestamp, Uint8Array.from(p.bytes))).filter((r) => r !== null);
  t.same(reports, [{ digit: '5', durationSamples: 80000 }], 'one press of 10 s');
});

t.test('the receiver still splits different events that merely follow each other', async (t) => {
  const receiver = new TelephoneEventReceiver();
  const full = Uint8Array.from([5, 10, 0xff, 0xff]);
  t.equal(receiver.push(0, full), null);
  t.same(receiver.push(0xffff, Uint8Array.from([6, 0x80 | 10, 0x00, 0xa0])), { digit: '5', durationSamples: 0xffff }, 'another key is a new press');
});
