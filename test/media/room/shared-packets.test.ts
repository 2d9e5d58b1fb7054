import t from 'tap';
import { findCodec } from '../../../codecs/index.js';
import { Packetizer, type SharedPacketSource } from '../../../media/packetizer.js';
import { parseRtp } from '../helpers/engine-harness.js';

function packetizer(sent: Uint8Array[], start: number): Packetizer {
  const encoder = findCodec('PCMU')?.createEncoder?.({ fmtp: {}, ptime: 20 });
  if (encoder === undefined) throw new Error('PCMU');
  let n = start;
  return new Packetizer({ encoder, payloadType: 0, clockRate: 8000, sampleRate: 8000, ptime: 20, send: (d) => (sent.push(d.slice()), false), random: () => n++ });
}

t.test('a packetizer pointed at a shared source sends its bytes with its own header', async (t) => {
  const frame = new Int16Array(160).fill(1000);
  const payload = new DataView(Uint8Array.from({ length: 160 }, (_, i) => i).buffer);
  const source: SharedPacketSource = { frame, payload };
  const sentA: Uint8Array[] = [];
  const sentB: Uint8Array[] = [];
  const a = packetizer(sentA, 100);
  const b = packetizer(sentB, 900);
  a.shared = source;
  b.shared = source;
  a.push(frame);
  a.push(frame);
  b.push(frame);
  const [a1, a2] = sentA.map(parseRtp);
  const [b1] = sentB.map(parseRtp);
  t.same(Array.from(a1?.payload ?? []), Array.from({ length: 160 }, (_, i) => i), 'the shared payload, not an encoding of the frame');
  t.equal(a2?.seq, ((a1?.seq ?? 0) + 1) & 0xffff, 'own sequence numbers');
  t.equal(a2?.ts, ((a1?.ts ?? 0) + 160) >>> 0, 'own timestamps, one packet apart');
  t.not(a1?.ssrc, b1?.ssrc, 'own SSRC');
  t.equal(a.sharedPackets, 2);
  // Another frame (a private copy) is encoded by the packetizer itself.
  const other = new Int16Array(160);
  a.push(other);
  t.equal(a.sharedPackets, 2, 'a different frame is not shared');
  t.equal(sentA[2]?.[12], 0xff, 'PCMU encoding of silence');
  // A source whose packet is still filling (longer ptime) sends nothing this tick.
  a.shared = { frame, payload: null };
  a.push(frame);
  t.equal(sentA.length, 3, 'nothing sent while the shared packet fills');
});
