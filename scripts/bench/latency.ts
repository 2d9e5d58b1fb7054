/**
 * `npm run bench -- latency --json [--seconds S] [--warmup S] [--jitter-ms J] [--seed N] [--series]
 *   [--start-ms MS] [--min-ms MS]` (the jitter buffer's start delay and minimum, default: config):
 * the delay voxbridge adds to audio through the echo app (RTP in → RTP out)
 * on loopback, without network jitter and with J ms of it (default 30: each
 * packet reaches the server 0–2J ms after its nominal time, uniform, seeded;
 * packets overtake each other as on a jittery network).
 *
 * voxbridge runs in this process (startVoxbridge, in-process engine, its own
 * port window); a tiny UAC (latency-uac.ts) calls the echo user. We send 20 ms
 * PCMU frames of digital silence; every 10th frame is a marker, a full-scale
 * tone burst whose first sample is a peak, at one of four frequencies in turn
 * (so a lost or late marker cannot be mistaken for its neighbour). For each
 * echoed marker we find its first sample in the stream we get back; the
 * server-added delay is (arrival of that packet + the sample's offset in it)
 * − (when we sent the marker packet): loopback transit is a few µs, so that is
 * jitter buffer + the wait for the next tick + processing. `withNetworkMs`
 * measures from the marker's nominal (un-jittered) time instead: what a
 * listener hears, network jitter included. Markers in the first `--warmup`
 * seconds (the buffer's start delay and adaptation) are left out.
 */
import { defaultConfig } from '../../config/index.js';
import { pcmu } from '../../codecs/index.js';
import type { LegStats } from '../../media/index.js';
import { startVoxbridge, type RunningVoxbridge } from '../../server/voxbridge.js';
import type { BenchModule } from '../bench.js';
import { placeCall } from './latency-uac.js';
import { MarkerDetector, markerFrame, MARKER_FREQUENCIES, percentiles, prng, type Percentiles } from './latency-markers.js';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';

const FRAME_MS = 20;
const SAMPLES = 160;
const MARK_EVERY = 10;
const SSRC = 0x1a7e;

interface Condition {
  readonly name: string;
  /** Each packet is sent 0–maxJitterMs after its nominal time. */
  readonly maxJitterMs: number;
}

interface ConditionResult {
  readonly condition: string;
  readonly networkJitter: string;
  readonly markers: { readonly sent: number; readonly measured: number; readonly unmatched: number };
  readonly serverAddedMs: Percentiles | null;
  readonly withNetworkMs: Percentiles | null;
  /** How late our send timers fired against their deadlines: extra jitter a loaded machine adds. */
  readonly senderLatenessMs: Percentiles | null;
  readonly leg: Pick<LegStats, 'rx' | 'jitterBuffer' | 'concealedMs'> | null;
  /** With --series: every measured server-added delay in send order (ms). */
  readonly series?: readonly number[];
}

function option(args: readonly string[], name: string, fallback: number): number {
  const at = args.indexOf(name);
  const value = at >= 0 ? Number(args[at + 1]) : fallback;
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} needs a number ≥ 0`);
  return value;
}

function rtp(seq: number, payload: Uint8Array): Buffer {
  const packet = Buffer.alloc(12 + payload.length);
  packet[0] = 0x80;
  packet[1] = seq === 0 ? 0x80 : 0; // PT 0 (PCMU); the first packet starts a talkspurt
  packet.writeUInt16BE(seq & 0xffff, 2);
  packet.writeUInt32BE((seq * SAMPLES) >>> 0, 4);
  packet.writeUInt32BE(SSRC, 8);
  packet.set(payload, 12);
  return packet;
}

async function lastClosedLeg(server: RunningVoxbridge, before: number): Promise<LegStats | null> {
  for (let i = 0; i < 200 && server.closedLegStats().length <= before; i++) await new Promise((r) => setTimeout(r, 10));
  return server.closedLegStats().at(-1) ?? null;
}

async function measure(server: RunningVoxbridge, condition: Condition, seconds: number, warmupS: number, seed: number, series: boolean): Promise<ConditionResult> {
  const encoder = pcmu.createEncoder?.({ fmtp: {}, ptime: FRAME_MS });
  const decoder = pcmu.createDecoder?.({ fmtp: {}, ptime: FRAME_MS });
  if (encoder === undefined || decoder === undefined) throw new Error('PCMU codec missing');
  const silence = new Uint8Array(SAMPLES);
  encoder.encode(new Int16Array(SAMPLES), silence);
  const marks = MARKER_FREQUENCIES.map((hz) => {
    const out = new Uint8Array(SAMPLES);
    encoder.encode(markerFrame(hz, SAMPLES), out);
    return out;
  });

  const socket = createSocket('udp4');
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  const udp = server.sip.udp;
  if (udp === undefined) throw new Error('voxbridge has no UDP listener');
  const before = server.closedLegStats().length;
  const call = await placeCall(udp, defaultConfig().apps.echoUser, socket.address().port);

  const detector = new MarkerDetector(decoder, SAMPLES);
  socket.on('message', (data: Buffer) => {
    if (data.length > 12) detector.push(data.subarray(12), performance.now());
  });

  const frames = Math.round((seconds * 1000) / FRAME_MS);
  const random = prng(seed);
  const sentAt = new Float64Array(frames);
  const lateness: number[] = [];
  const t0 = performance.now() + 50;
  const allSent = new Promise<void>((resolve) => {
    let sent = 0;
    for (let i = 0; i < frames; i++) {
      const mark = i % MARK_EVERY === 0 ? marks[(i / MARK_EVERY) % marks.length] : undefined;
      const packet = rtp(i, mark ?? silence);
      const deadline = t0 + i * FRAME_MS + random() * condition.maxJitterMs;
      // One timer per packet at its absolute deadline: with jitter, packets overtake each other.
      setTimeout(() => {
        const now = performance.now();
        sentAt[i] = now;
        lateness.push(now - deadline);
        socket.send(packet, call.remoteRtp.port, call.remoteRtp.host);
        if (++sent === frames) resolve();
      }, Math.max(0, deadline - performance.now()));
    }
  });
  await allSent;
  await new Promise((r) => setTimeout(r, 500)); // the last echoes
  await call.hangup();
  socket.close();
  const leg = await lastClosedLeg(server, before);

  // Match each detected marker to the latest marker of its frequency sent before it.
  const serverAdded: number[] = [];
  const withNetwork: number[] = [];
  let unmatched = 0;
  let measured = 0;
  for (const found of detector.found) {
    let best = -1;
    for (let i = 0; i < frames; i += MARK_EVERY) {
      const sent = sentAt[i] ?? 0;
      if ((i / MARK_EVERY) % MARKER_FREQUENCIES.length === found.frequencyIndex && sent > 0 && sent <= found.atMs) best = i;
    }
    if (best < 0) {
      unmatched++;
      continue;
    }
    measured++;
    if (best * FRAME_MS < warmupS * 1000) continue;
    serverAdded.push(found.atMs - (sentAt[best] ?? 0));
    withNetwork.push(found.atMs - (t0 + best * FRAME_MS));
  }
  return {
    condition: condition.name,
    networkJitter: condition.maxJitterMs === 0 ? 'none' : `uniform 0–${condition.maxJitterMs} ms per packet`,
    markers: { sent: Math.ceil(frames / MARK_EVERY), measured, unmatched },
    serverAddedMs: percentiles(serverAdded),
    withNetworkMs: percentiles(withNetwork),
    senderLatenessMs: percentiles(lateness),
    leg: leg === null ? null : { rx: leg.rx, jitterBuffer: leg.jitterBuffer, concealedMs: Math.round(leg.concealedMs) },
    ...(series ? { series: serverAdded.map((ms) => Math.round(ms * 10) / 10) } : {}),
  };
}

export const bench: BenchModule = {
  description: 'server-added one-way delay through the echo app (RTP in → out), without and with network jitter',
  async run(args) {
    const seconds = option(args, '--seconds', 20);
    const warmupS = option(args, '--warmup', 3);
    const jitterMs = option(args, '--jitter-ms', 30);
    const seed = option(args, '--seed', 1);
    const config = defaultConfig();
    config.sip.listen = '127.0.0.1:0';
    config.rtp.ports = '34000-34099';
    config.rtp.bindAddress = '127.0.0.1';
    config.log.level = 'silent';
    config.media.inProcess = true;
    config.admin.enabled = false; // not measured here, and its fixed port may be taken
    config.rtp.jitterBufferMs = option(args, '--start-ms', config.rtp.jitterBufferMs);
    config.rtp.jitterBuffer.minMs = option(args, '--min-ms', config.rtp.jitterBuffer.minMs);
    const server = await startVoxbridge(config);
    try {
      const conditions: Condition[] = [
        { name: 'no jitter', maxJitterMs: 0 },
        { name: `${jitterMs} ms jitter`, maxJitterMs: 2 * jitterMs },
      ];
      const results: ConditionResult[] = [];
      for (const condition of conditions) results.push(await measure(server, condition, seconds, warmupS, seed, args.includes('--series')));
      const rtp = config.rtp;
      return {
        seconds,
        warmupSeconds: warmupS,
        jitterBuffer: { startMs: rtp.jitterBufferMs, minMs: rtp.jitterBuffer.minMs, maxMs: rtp.jitterBuffer.maxMs },
        targets: { noJitterP50Ms: 30, jitterP50Ms: 80 },
        results,
      };
    } finally {
      await server.close();
    }
  },
};
