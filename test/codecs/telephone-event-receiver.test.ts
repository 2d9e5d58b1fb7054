import t from 'tap';
import { TelephoneEventReceiver, writeTelephoneEvent } from '../../codecs/index.js';

function packet(event: number, duration: number, end = false): Uint8Array {
  const out = new Uint8Array(4);
  writeTelephoneEvent({ event, end, volume: 10, duration }, out);
  return out;
}

t.test('one report per event despite updates and three end packets', async (t) => {
  const rx = new TelephoneEventReceiver();
  const ts = 160_000;
  const results = [
    rx.push(ts, packet(1, 160)),
    rx.push(ts, packet(1, 320)),
    rx.push(ts, packet(1, 480)),
    rx.push(ts, packet(1, 640, true)),
    rx.push(ts, packet(1, 640, true)),
    rx.push(ts, packet(1, 640, true)),
  ];
  t.same(results, [null, null, null, { digit: '1', durationSamples: 640 }, null, null]);
  // A retransmitted update after the end changes nothing.
  t.equal(rx.push(ts, packet(1, 480)), null);
});

t.test('an event whose end packets were lost is reported when a new timestamp starts', async (t) => {
  const rx = new TelephoneEventReceiver();
  t.equal(rx.push(1000, packet(11, 160)), null);
  t.equal(rx.push(1000, packet(11, 400)), null);
  t.same(rx.push(3000, packet(4, 160)), { digit: '#', durationSamples: 400 });
  t.same(rx.push(3000, packet(4, 480, true)), { digit: '4', durationSamples: 480 });
  // Late end packet of the first event (reordered) is ignored.
  t.equal(rx.push(1000, packet(11, 480, true)), null);
});

t.test('a lone end packet reports at once; flush reports an unfinished event once', async (t) => {
  const rx = new TelephoneEventReceiver();
  t.same(rx.push(500, packet(0, 800, true)), { digit: '0', durationSamples: 800 });
  t.equal(rx.push(900, packet(15, 160)), null);
  t.same(rx.flush(), { digit: 'D', durationSamples: 160 });
  t.equal(rx.flush(), null);
  t.equal(rx.push(900, packet(15, 320, true)), null, 'already reported by flush');
});

t.test('timestamps that wrap around still order correctly', async (t) => {
  const rx = new TelephoneEventReceiver();
  t.equal(rx.push(0xffff_ff00, packet(2, 160)), null);
  t.same(rx.push(0x0000_0100, packet(3, 160)), { digit: '2', durationSamples: 160 });
  t.equal(rx.push(0xffff_ff00, packet(2, 320, true)), null, 'older across the wrap');
});

t.test('non-DTMF events are tracked but not reported; short payloads are counted', async (t) => {
  const rx = new TelephoneEventReceiver();
  t.equal(rx.push(100, packet(16, 800, true)), null);
  t.equal(rx.push(100, Uint8Array.from([1, 2])), null);
  t.equal(rx.malformed, 1);
  t.same(rx.push(200, packet(9, 160, true)), { digit: '9', durationSamples: 160 });
});
