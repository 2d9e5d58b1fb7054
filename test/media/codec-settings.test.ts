/**
 * The engine's codec settings (InProcessEngineOptions.codecs, from config
 * `codecs`) reach the encoder of every leg: an Opus echo leg whose far end
 * declared usedtx=1 stops sending in silence when DTX is configured on, and
 * keeps sending without it; the packets it does send keep RFC 7587's rules.
 */
import t from 'tap';
import { OpusEncoder, opusEncoderSettings } from '../../codecs/index.js';
import { defaultConfig, type Config } from '../../config/index.js';
import type { LegParams } from '../../media/index.js';
import { rtpDatagram } from '../fixtures/rtp/packets.js';
import { harness, peer, rtpOnly, type ParsedRtp, type Teardown } from './helpers/engine-harness.js';

// Each test file gets its own port range (test files run in parallel); each engine here half of it.
const PORTS = ['47440-47459', '47460-47479'] as const;
const SSRC = 0x5eed;
const FRAME = 960;

function opusParams(remotePort: number): LegParams {
  return {
    remote: { address: '127.0.0.1', rtpPort: remotePort, rtcpPort: remotePort + 1 },
    rtcpMux: false,
    codec: { name: 'opus', payloadType: 111, clockRate: 48000, channels: 2, fmtp: { usedtx: '1' } },
    telephoneEvent: null,
    ptime: 20,
    direction: 'sendrecv',
  };
}

/** 0.4 s of a tone, 1 s of digital silence, 0.4 s of tone: Opus packets as the far end sends them (no DTX of its own). */
function farEndStream(): Uint8Array[] {
  const encoder = new OpusEncoder(opusEncoderSettings({}, 48000));
  const out = new Uint8Array(1500);
  const packets: Uint8Array[] = [];
  for (let k = 0; k < 90; k++) {
    const pcm = new Int16Array(FRAME);
    const talking = k < 20 || k >= 70;
    for (let i = 0; talking && i < FRAME; i++) pcm[i] = Math.round(8000 * Math.sin((2 * Math.PI * 300 * (k * FRAME + i)) / 48000));
    packets.push(out.slice(0, encoder.encode(pcm, out)));
  }
  encoder.close();
  return packets;
}

/** Runs the far end's stream through an Opus echo leg; returns what came back. */
async function echo(t: Teardown, ports: string, codecs: Config['codecs'] | undefined, legId: string): Promise<ParsedRtp[]> {
  const h = harness(t, ports, {}, codecs);
  const far = await peer(t);
  const local = await h.engine.request('leg.create', { legId, callId: legId, advertiseAddress: '127.0.0.1' });
  await h.engine.request('leg.update', { legId, params: opusParams(far.port) });
  await h.engine.request('leg.attach', { legId, app: { kind: 'echo' } });
  const stream = farEndStream();
  // In batches the jitter buffer holds (it plays 60 ms behind), the clock advancing as they play.
  for (let from = 0; from < stream.length; from += 10) {
    for (let k = from; k < from + 10 && k < stream.length; k++) {
      far.send(rtpDatagram({ pt: 111, seq: 1000 + k, ts: k * FRAME, ssrc: SSRC, marker: k === 0 }, stream[k] ?? new Uint8Array(0)), local.rtpPort);
    }
    await h.until(legId, (s) => s.rx.packets === Math.min(stream.length, from + 10));
    h.clock.advance(10 * 20);
  }
  h.clock.advance(5 * 20);
  const stats = await h.stats(legId);
  await far.receivedCount(stats.tx.packets);
  return rtpOnly(far.received);
}

t.test('Opus DTX configured on: silence is not sent, seq stays contiguous, the marker starts the next talkspurt', async (t) => {
  const base = defaultConfig().codecs;
  const withDtx = await echo(t, PORTS[0], { ...base, opus: { ...base.opus, dtx: true } }, 'dtx-on');
  const withoutDtx = await echo(t, PORTS[1], base, 'dtx-off');
  t.ok(withoutDtx.length >= 90, `DTX off (the default): every tick sends (${withoutDtx.length} packets)`);
  t.ok(withDtx.length < withoutDtx.length - 30, `DTX on: the second of silence is mostly not sent (${withDtx.length} packets)`);
  t.ok(withDtx.every((p) => p.pt === 111 && p.payload.length > 2), 'no 1–2 byte DTX frame on the wire');
  t.ok(withDtx.every((p, i) => i === 0 || p.seq === (((withDtx[i - 1]?.seq ?? 0) + 1) & 0xffff)), 'no sequence gaps: no false loss at the far end');
  const gaps = withDtx.flatMap((p, i) => (i > 0 && ((p.ts - (withDtx[i - 1]?.ts ?? 0)) >>> 0) > FRAME ? [i] : []));
  t.ok(gaps.length > 0, 'the timestamps jump over the untransmitted frames');
  t.ok(gaps.every((i) => withDtx[i]?.marker === true), 'each packet after a gap has the marker');
  t.ok(withDtx.every((p, i) => p.marker === (i === 0 || gaps.includes(i))), 'no other packet has it');
  const span = (packets: ParsedRtp[]): number => ((packets[packets.length - 1]?.ts ?? 0) - (packets[0]?.ts ?? 0)) >>> 0;
  t.equal(span(withDtx), span(withoutDtx), 'both streams cover the same time');
});
