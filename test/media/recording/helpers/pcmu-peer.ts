/** Audio in and out of an engine leg as a PCMU far end would send and hear it (tests of media/recording and media/dtmf). */
import { findCodec } from '../../../../codecs/index.js';
import { rtpDatagram } from '../../../fixtures/rtp/packets.js';
import { rtpOnly, type Harness, type Peer } from '../../helpers/engine-harness.js';

const FRAME = 160;

function pcmu(): NonNullable<ReturnType<typeof findCodec>> {
  const codec = findCodec('PCMU');
  if (codec === undefined) throw new Error('PCMU missing from the codec registry');
  return codec;
}

/** Decodes the PCMU packets of payload type 0 a peer received, in sequence order. */
export function receivedPcmu(peer: Peer): Int16Array {
  const decoder = pcmu().createDecoder?.({ fmtp: {}, ptime: 20 });
  if (decoder === undefined) throw new Error('PCMU decoder missing');
  const packets = rtpOnly(peer.received)
    .filter((p) => p.pt === 0)
    .sort((a, b) => a.seq - b.seq);
  const out = new Int16Array(packets.length * FRAME);
  const frame = new Int16Array(FRAME);
  packets.forEach((p, i) => {
    decoder.decode(p.payload, frame);
    out.set(frame, i * FRAME);
  });
  return out;
}

/**
 * Sends `pcm` (8 kHz) to the leg as PCMU, 10 packets at a time, advancing the
 * engine's clock by the audio sent once the leg has them; then `tailMs` more.
 */
export async function sendPcmu(h: Harness, from: Peer, legId: string, rtpPort: number, pcm: Int16Array, tailMs = 200): Promise<void> {
  const encoder = pcmu().createEncoder?.({ fmtp: {}, ptime: 20 });
  if (encoder === undefined) throw new Error('PCMU encoder missing');
  const start = (await h.stats(legId)).rx.packets;
  const frames = Math.floor(pcm.length / FRAME);
  for (let k = 0; k < frames; k += 10) {
    const batch = Math.min(10, frames - k);
    for (let j = 0; j < batch; j++) {
      const payload = new Uint8Array(FRAME);
      encoder.encode(pcm.subarray((k + j) * FRAME, (k + j + 1) * FRAME), payload);
      from.send(rtpDatagram({ pt: 0, seq: k + j, ts: (k + j) * FRAME, ssrc: 77, marker: k + j === 0 }, payload), rtpPort);
    }
    await h.until(legId, (s) => s.rx.packets >= start + k + batch);
    h.clock.advance(batch * 20);
  }
  h.clock.advance(tailMs);
}
