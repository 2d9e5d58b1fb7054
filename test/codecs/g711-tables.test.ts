import t from 'tap';
import {
  ALAW_DECODE,
  ALAW_ENCODE,
  ULAW_DECODE,
  ULAW_ENCODE,
  decodeWithTable,
  encodeWithTable,
} from '../../codecs/g711-tables.js';

// A second, deliberately plain G.711 implementation written from the
// segment tables of ITU-T G.711 (Tables 1a/2a): explicit segment starts and
// step sizes, floor division instead of shifts. 16-bit input is cut to the
// 14-bit (µ) / 12-bit magnitude (A) code, negatives by one's complement (G.191).
const ULAW_START = [0, 31, 95, 223, 479, 991, 2015, 4063];
const ULAW_STEP = [2, 4, 8, 16, 32, 64, 128, 256];
const ALAW_START = [0, 16, 32, 64, 128, 256, 512, 1024];
const ALAW_STEP = [1, 1, 2, 4, 8, 16, 32, 64];

function magnitude(x: number, divisor: number): number {
  return Math.floor((x >= 0 ? x : -x - 1) / divisor);
}

function segmentOf(m: number, starts: number[]): number {
  let seg = 0;
  for (let s = 0; s < starts.length; s++) if (m >= (starts[s] ?? Infinity)) seg = s;
  return seg;
}

function referenceUlaw(x: number): number {
  const m = magnitude(x, 4);
  const seg = segmentOf(m, ULAW_START);
  let mant: number;
  if (seg === 0) mant = m === 0 ? 0 : Math.floor((m + 1) / 2); // first interval is 1 wide, then 2
  else mant = Math.floor((m - (ULAW_START[seg] ?? 0)) / (ULAW_STEP[seg] ?? 1));
  if (mant > 15) mant = 15; // overload: clip to the top code
  return (((seg * 16 + mant) ^ 0x7f) | (x >= 0 ? 0x80 : 0)) & 0xff;
}

function referenceUlawDecode(code: number): number {
  const positive = code >= 0x80;
  const v = (code ^ 0x7f) & 0x7f;
  const seg = Math.floor(v / 16);
  const mant = v % 16;
  const y = seg === 0 ? 2 * mant : (ULAW_START[seg] ?? 0) + mant * (ULAW_STEP[seg] ?? 1) + (ULAW_STEP[seg] ?? 1) / 2;
  return (positive ? 1 : -1) * y * 4;
}

function referenceAlaw(x: number): number {
  const m = magnitude(x, 16);
  const seg = segmentOf(m, ALAW_START);
  const mant = Math.min(15, Math.floor((m - (ALAW_START[seg] ?? 0)) / (ALAW_STEP[seg] ?? 1)));
  return ((x >= 0 ? 0x80 : 0) | (seg * 16 + mant)) ^ 0x55;
}

function referenceAlawDecode(code: number): number {
  const v = (code ^ 0x55) & 0x7f;
  const seg = Math.floor(v / 16);
  const mant = v % 16;
  const y = (ALAW_START[seg] ?? 0) + mant * (ALAW_STEP[seg] ?? 1) + (ALAW_STEP[seg] ?? 1) / 2;
  return (code >= 0x80 ? 1 : -1) * y * 16;
}

t.test('encode tables match the plain implementation for all 65536 inputs', async (t) => {
  let ulawMismatch = 0;
  let alawMismatch = 0;
  for (let x = -32768; x <= 32767; x++) {
    if (ULAW_ENCODE[x + 32768] !== referenceUlaw(x)) ulawMismatch++;
    if (ALAW_ENCODE[x + 32768] !== referenceAlaw(x)) alawMismatch++;
  }
  t.equal(ulawMismatch, 0, 'µ-law');
  t.equal(alawMismatch, 0, 'A-law');
});

t.test('decode tables match the plain implementation for all 256 codes', async (t) => {
  for (let code = 0; code < 256; code++) {
    t.equal(ULAW_DECODE[code], referenceUlawDecode(code) || 0, `µ-law 0x${code.toString(16)}`);
    t.equal(ALAW_DECODE[code], referenceAlawDecode(code), `A-law 0x${code.toString(16)}`);
  }
});

t.test('published reference values', async (t) => {
  const ulawEncode: [number, number][] = [
    [0, 0xff], [-1, 0x7f], [32767, 0x80], [-32768, 0x00], [1000, 0xce], [-1000, 0x4e],
    [8, 0xfe], [-8, 0x7e], [32124, 0x80], [-32124, 0x00],
  ];
  for (const [x, code] of ulawEncode) t.equal(ULAW_ENCODE[x + 32768], code, `µ-law encode ${x}`);
  const alawEncode: [number, number][] = [
    [0, 0xd5], [-1, 0x55], [32767, 0xaa], [-32768, 0x2a], [1000, 0xfa], [8, 0xd5], [16, 0xd4],
  ];
  for (const [x, code] of alawEncode) t.equal(ALAW_ENCODE[x + 32768], code, `A-law encode ${x}`);
  // The first entries of the classic decode tables (Sun g711.c, ffmpeg pcm_tablegen).
  t.same(Array.from(ULAW_DECODE.subarray(0, 4)), [-32124, -31100, -30076, -29052]);
  t.same(Array.from(ULAW_DECODE.subarray(0x70, 0x74)), [-120, -112, -104, -96]);
  t.equal(ULAW_DECODE[0x80], 32124);
  t.equal(ULAW_DECODE[0xff], 0);
  t.equal(ULAW_DECODE[0x7f], 0);
  t.same(Array.from(ALAW_DECODE.subarray(0, 8)), [-5504, -5248, -6016, -5760, -4480, -4224, -4992, -4736]);
  t.equal(ALAW_DECODE[0xd5], 8);
  t.equal(ALAW_DECODE[0x55], -8);
  t.equal(ALAW_DECODE[0xaa], 32256);
  t.equal(ALAW_DECODE[0x2a], -32256);
});

t.test('round trips: decode(encode(decode(c))) === decode(c), encode(decode(c)) === c', async (t) => {
  const laws = [
    { name: 'µ-law', enc: ULAW_ENCODE, dec: ULAW_DECODE },
    { name: 'A-law', enc: ALAW_ENCODE, dec: ALAW_DECODE },
  ];
  for (const { name, enc, dec } of laws) {
    const badStable: number[] = [];
    const badCode: number[] = [];
    for (let code = 0; code < 256; code++) {
      const y = dec[code] ?? NaN;
      const again = enc[y + 32768] ?? -1;
      if (dec[again] !== y) badStable.push(code);
      if (again !== code) badCode.push(code);
    }
    t.same(badStable, [], `${name}: decode is stable`);
    // µ-law has two zeros; 0x7F (negative zero) decodes to 0, which encodes as 0xFF.
    t.same(badCode, name === 'µ-law' ? [0x7f] : [], `${name}: codes survive`);
  }
});

t.test('buffer helpers write min(in, out) and never throw', async (t) => {
  const pcm = Int16Array.from([0, -1, 32767, -32768]);
  const out = new Uint8Array(3);
  t.equal(encodeWithTable(ULAW_ENCODE, pcm, out), 3);
  t.same(Array.from(out), [0xff, 0x7f, 0x80]);
  const big = new Uint8Array(8);
  t.equal(encodeWithTable(ALAW_ENCODE, pcm, big), 4);
  t.same(Array.from(big.subarray(0, 4)), [0xd5, 0x55, 0xaa, 0x2a]);
  const samples = new Int16Array(2);
  t.equal(decodeWithTable(ULAW_DECODE, Uint8Array.from([0x80, 0x00, 0xff]), samples), 2);
  t.same(Array.from(samples), [32124, -32124]);
  t.equal(decodeWithTable(ALAW_DECODE, new Uint8Array(0), samples), 0);
});
