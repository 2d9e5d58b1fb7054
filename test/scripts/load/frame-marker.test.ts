import t from 'tap';
import { findCodec } from '../../../codecs/index.js';
import { MARKER_BYTES, MARKER_TICKS, MarkerScanner, readMarker, writeMarker } from '../../../scripts/load/frame-marker.js';

function scanAll(scanner: MarkerScanner, payload: Uint8Array): number[] {
  const found: number[] = [];
  scanner.scan(payload, 0, (tick) => found.push(tick));
  return found;
}

t.test('a marker round-trips for ticks across its range, and every byte has the top bit set', async (t) => {
  const payload = new Uint8Array(MARKER_BYTES);
  for (const tick of [0, 1, 127, 128, 16383, 16384, 123456, MARKER_TICKS - 1]) {
    writeMarker(payload, 0, tick);
    t.equal(readMarker(payload, 0), tick, `tick ${tick}`);
    t.ok(payload.every((byte) => byte >= 0x80), `tick ${tick}: no byte µ-law would rewrite`);
  }
  writeMarker(payload, 0, MARKER_TICKS + 5);
  t.equal(readMarker(payload, 0), 5, 'ticks wrap at MARKER_TICKS');
});

t.test('corrupted or absent markers read as -1', async (t) => {
  const payload = new Uint8Array(10);
  t.equal(readMarker(payload, 0), -1, 'zeros');
  writeMarker(payload, 2, 4242);
  t.equal(readMarker(payload, 2), 4242);
  t.equal(readMarker(payload, 0), -1, 'wrong offset');
  t.equal(readMarker(payload, 6), -1, 'truncated');
  const bad = payload.slice();
  bad[6] = (bad[6] ?? 0) ^ 0x01; // a digit changed: the check byte no longer matches
  t.equal(readMarker(bad, 2), -1, 'check byte catches a changed digit');
});

t.test('the marker survives G.711 decode → encode (the echo path)', async (t) => {
  for (const name of ['PCMU', 'PCMA']) {
    const codec = findCodec(name);
    const decoder = codec?.createDecoder?.({ fmtp: {}, ptime: 20 });
    const encoder = codec?.createEncoder?.({ fmtp: {}, ptime: 20 });
    if (decoder === undefined || encoder === undefined) throw new Error(`no ${name}`);
    const payload = new Uint8Array(160).fill(0x55);
    writeMarker(payload, 0, 99999);
    const pcm = new Int16Array(160);
    decoder.decode(payload, pcm);
    const out = new Uint8Array(160);
    encoder.encode(pcm, out);
    t.equal(readMarker(out, 0), 99999, name);
  }
});

t.test('the scanner finds markers at any offset, several per payload, and split across two payloads', async (t) => {
  const scanner = new MarkerScanner();
  const a = new Uint8Array(40).fill(0x11);
  writeMarker(a, 7, 10);
  writeMarker(a, 20, 11);
  writeMarker(a, 37, 12); // only 3 of its 6 bytes fit
  const b = new Uint8Array(40).fill(0x11);
  b.set(new Uint8Array([0, 0, 0]), 0);
  const tail = new Uint8Array(MARKER_BYTES);
  writeMarker(tail, 0, 12);
  b.set(tail.subarray(3), 0);
  t.same(scanAll(scanner, a), [10, 11]);
  t.same(scanAll(scanner, b), [12], 'the split marker is joined with the carried bytes');
  t.same(scanAll(scanner, new Uint8Array(40)), [], 'nothing more');
});

t.test('reset drops the carried bytes (a packet was lost in between)', async (t) => {
  const scanner = new MarkerScanner();
  const a = new Uint8Array(20);
  writeMarker(a, 17, 77);
  const full = new Uint8Array(MARKER_BYTES);
  writeMarker(full, 0, 77);
  const b = new Uint8Array(20);
  b.set(full.subarray(3), 0);
  t.same(scanAll(scanner, a), []);
  scanner.reset();
  t.same(scanAll(scanner, b), [], 'half a marker is not a marker');
});
