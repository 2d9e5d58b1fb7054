/**
 * `npm run bench -- conference [--json] [--seconds S] [--only a,b,c] [--variants all,three]`:
 * the conference mixer under real RTP load on loopback.
 *
 * Scenarios: (a) one 16 kHz room of 100 PCMU participants; (b) one 48 kHz
 * room of 50 Opus participants; (c) 20 16 kHz rooms of 10 mixed-codec
 * participants (PCMU, PCMA, G.722, Opus in turn). Variants: `all` — every
 * participant sends a tone (each its own frequency, levels −12…−36 dBFS);
 * `three` — three talkers, everyone else sends encoded digital silence.
 * Rooms use level talker detection (a tone is not speech to the VAD, so
 * `vad` mode would leave every tone idle and flatter the figures) and the
 * default K = 3.
 *
 * The server is this process (InProcessEngine on the real media clock); the
 * far ends are scripts/load/conference-peers.ts in a child process, so its
 * CPU is not counted. Figures: this process's CPU (process.cpuUsage over the
 * measured window, after a warm-up) as % of one core, per participant;
 * packets the far ends missed (sequence gaps) or got late; the clock's tick
 * lateness (p50/p99/max, measured by a tick listener against the best
 * deadline seen) and skipped ticks; RSS. On a machine loaded by other work
 * the process is starved and ticks are skipped (the output shows the load
 * average): `cpuPercentIfEveryTickRan` scales the CPU per tick that did run
 * to the full 50 ticks/s.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { pino } from 'pino';
import { defaultConfig } from '../../config/index.js';
import { createMediaClock, InProcessEngine, type LegParams, type RoomOptions } from '../../media/index.js';
import type { BenchModule } from '../bench.js';
import type { ChildMessage, LoadResult, ParentMessage, PeerCodec, PeerSpec } from '../load/conference-peers.js';

const CODECS: Record<string, PeerCodec> = {
  PCMU: { name: 'PCMU', payloadType: 0, clockRate: 8000, sampleRate: 8000 },
  PCMA: { name: 'PCMA', payloadType: 8, clockRate: 8000, sampleRate: 8000 },
  G722: { name: 'G722', payloadType: 9, clockRate: 8000, sampleRate: 16000 },
  opus: { name: 'opus', payloadType: 111, clockRate: 48000, sampleRate: 48000 },
};
const MIXED = ['PCMU', 'PCMA', 'G722', 'opus'] as const;

interface Scenario {
  readonly name: string;
  readonly rooms: number;
  readonly perRoom: number;
  readonly rate: RoomOptions['sampleRate'];
  readonly codec: (index: number) => PeerCodec;
}

const SCENARIOS: readonly Scenario[] = [
  { name: 'a: 1 room x 100 PCMU', rooms: 1, perRoom: 100, rate: 16000, codec: () => CODECS.PCMU as PeerCodec },
  { name: 'b: 1 room x 50 Opus 48k', rooms: 1, perRoom: 50, rate: 48000, codec: () => CODECS.opus as PeerCodec },
  { name: 'c: 20 rooms x 10 mixed', rooms: 20, perRoom: 10, rate: 16000, codec: (i) => CODECS[MIXED[i % MIXED.length] as string] as PeerCodec },
];

function option(args: readonly string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

function peers(scenario: Scenario, variant: 'all' | 'three'): PeerSpec[] {
  const list: PeerSpec[] = [];
  for (let r = 0; r < scenario.rooms; r++) {
    for (let p = 0; p < scenario.perRoom; p++) {
      const talking = variant === 'all' || p < 3;
      list.push({ codec: scenario.codec(p), tone: talking ? { frequency: 300 + ((p * 37) % 3000), dbfs: -12 - (p % 25) } : null });
    }
  }
  return list;
}

/** What the server's legs counted on receive (loss from sequence gaps, late packets dropped by the jitter buffer). */
async function serverReceive(engine: InProcessEngine, legs: number): Promise<{ lost: number; late: number }> {
  let lost = 0;
  let late = 0;
  for (let i = 0; i < legs; i++) {
    const stats = await engine.request('leg.stats', { legId: `leg-${i}` });
    lost += stats.rx.lost;
    late += stats.rx.late;
  }
  return { lost, late };
}

function params(codec: PeerCodec, port: number): LegParams {
  return {
    remote: { address: '127.0.0.1', rtpPort: port, rtcpPort: port + 1 },
    rtcpMux: false,
    codec: { name: codec.name, payloadType: codec.payloadType, clockRate: codec.clockRate, channels: codec.name === 'opus' ? 2 : 1, fmtp: {} },
    telephoneEvent: null,
    ptime: 20,
    direction: 'sendrecv',
  };
}

async function runScenario(scenario: Scenario, variant: 'all' | 'three', seconds: number): Promise<unknown> {
  const clock = createMediaClock();
  const engine = new InProcessEngine({ rtp: { ...defaultConfig().rtp, ports: '31000-31999', bindAddress: '127.0.0.1' }, logger: pino({ level: 'warn' }), clock });
  const specs = peers(scenario, variant);
  const child = fork(new URL('../load/conference-peers.js', import.meta.url), { stdio: 'inherit' });
  const next = async (): Promise<ChildMessage> => ((await once(child, 'message')) as [ChildMessage])[0];
  const send = (m: ParentMessage): void => {
    child.send(m);
  };
  try {
    send({ type: 'setup', peers: specs });
    const ready = await next();
    if (ready.type !== 'ready') throw new Error('load generator did not get ready');
    const enginePorts: number[] = [];
    for (let r = 0; r < scenario.rooms; r++) {
      const roomId = `bench-${r}`;
      const options: RoomOptions = {
        sampleRate: scenario.rate,
        maxTalkers: 3,
        talkerThresholdDb: -45,
        talkerHangoverMs: 300,
        dsp: { noiseSuppression: false, agc: false, echoCancellation: false },
        joinLeaveTones: false,
        talkerDetection: 'level',
      };
      await engine.request('room.create', { roomId, options });
      for (let p = 0; p < scenario.perRoom; p++) {
        const index = r * scenario.perRoom + p;
        const spec = specs[index] as PeerSpec;
        const legId = `leg-${index}`;
        const local = await engine.request('leg.create', { legId, callId: legId, advertiseAddress: '127.0.0.1', group: roomId });
        await engine.request('leg.update', { legId, params: params(spec.codec, ready.ports[index] ?? 0) });
        await engine.request('room.join', { roomId, legId });
        enginePorts.push(local.rtpPort);
      }
    }
    // Tick lateness: each tick's time against the best deadline alignment seen.
    const offsets: number[] = [];
    let measuring = false;
    const stopProbe = clock.onTick((tick) => {
      if (measuring) offsets.push(tick.timeMs - tick.index * clock.frameMs);
    }, 'capture');
    const warmupMs = 2000;
    send({ type: 'start', enginePorts, durationMs: warmupMs + seconds * 1000 });
    const done = next();
    await new Promise((resolve) => setTimeout(resolve, warmupMs));
    measuring = true;
    send({ type: 'mark' });
    const rxBefore = await serverReceive(engine, enginePorts.length);
    const missedBefore = clock.counters().missed;
    const cpuBefore = process.cpuUsage();
    const wallBefore = performance.now();
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    const cpu = process.cpuUsage(cpuBefore);
    const wallMs = performance.now() - wallBefore;
    measuring = false;
    const missed = clock.counters().missed - missedBefore;
    const rxAfter = await serverReceive(engine, enginePorts.length);
    const finished = await done;
    if (finished.type !== 'done') throw new Error('load generator did not finish');
    stopProbe();
    const load: LoadResult = finished.result;
    const best = Math.min(...offsets);
    const lateness = offsets.map((o) => o - best).sort((x, y) => x - y);
    const participants = scenario.rooms * scenario.perRoom;
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const cpuPercent = (cpuMs / wallMs) * 100;
    const stats = await engine.request('room.stats', { roomId: 'bench-0' });
    return {
      scenario: scenario.name,
      variant,
      participants,
      seconds,
      cpuPercentOfOneCore: Number(cpuPercent.toFixed(2)),
      // Robust to a starved process: CPU per tick that actually ran, scaled to 50 ticks/s.
      cpuPercentIfEveryTickRan: Number(((cpuMs / Math.max(1, lateness.length)) * 5).toFixed(2)),
      cpuPercentPerParticipant: Number((cpuPercent / participants).toFixed(4)),
      toServer: { sent: load.sent, lost: rxAfter.lost - rxBefore.lost, late: rxAfter.late - rxBefore.late, generatorSkips: load.senderSkips },
      fromServer: { received: load.received, expected: participants * Math.round(wallMs / 20), lost: load.lost, late: load.late },
      ticks: { measured: lateness.length, skipped: missed, latenessP50Ms: Number(percentile(lateness, 50).toFixed(2)), latenessP99Ms: Number(percentile(lateness, 99).toFixed(2)), latenessMaxMs: Number((lateness.at(-1) ?? 0).toFixed(2)) },
      rssMiB: Number((process.memoryUsage().rss / 2 ** 20).toFixed(1)),
      room0: { mixed: stats.participants.filter((p) => p.mixed).length, talking: stats.participants.filter((p) => p.talking).length, sharedEncodings: stats.sharedEncodings },
    };
  } finally {
    child.kill();
    await engine.request('engine.close', {});
  }
}

export const bench: BenchModule = {
  description: 'conference mixer under RTP load: 100 PCMU, 50 Opus, 20x10 mixed; CPU per participant, loss, tick lateness',
  async run(args) {
    const seconds = Number(option(args, '--seconds') ?? 10);
    const only = option(args, '--only')?.split(',');
    const variants = (option(args, '--variants')?.split(',') ?? ['all', 'three']) as ('all' | 'three')[];
    const results: unknown[] = [];
    for (const scenario of SCENARIOS) {
      if (only !== undefined && !only.includes(scenario.name.charAt(0))) continue;
      for (const variant of variants) results.push(await runScenario(scenario, variant, seconds));
    }
    const os = await import('node:os');
    return { cores: os.cpus().length, loadAverage: os.loadavg().map((l) => Number(l.toFixed(1))), results };
  },
};
