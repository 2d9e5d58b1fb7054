/**
 * `npm run bench -- echo-load --json [--legs N] [--seconds S] [--workers W]
 *   [--cps R] [--warmup S] [--slots K] [--in-process] [--cpu-prof DIR]`:
 * N concurrent echo calls (PCMU, 20 ms) held for S seconds.
 *
 * Three processes: the server (dist/scripts/load/voxbridge-child.js: the real
 * voxbridge with media workers, answering `engine.stats` over IPC), the RTP
 * load generator (dist/scripts/load/generator-child.js) and this one, which
 * places the calls over real SIP (scripts/load/sip-load-uac.ts) at R calls/s
 * with SDP pointing at the generator's ports, and BYEs them at the end.
 *
 * Loss the server is blamed for (`loss.serverPackets`, the target): per leg,
 * packets sent minus RTP packets echoed back, plus gaps in the server's
 * sequence numbers. Beside it, by content: marked frames (see
 * scripts/load/frame-marker.ts) that did not come back intact, split by
 * whether the generator sent them on time (≤ 10 ms late) or not; the
 * adaptive jitter buffer's time-stretching and concealment land there.
 * Tick lateness: each worker clock's recent window (10–20 s), sampled every
 * 10 s during the hold; the figures are the worst p99/max over samples and
 * workers and the median p50. CPU: process.cpuUsage deltas over the hold
 * (all threads of the process; 100 = one core).
 */
import { availableParallelism, loadavg } from 'node:os';
import type { BenchModule } from '../bench.js';
import { IpcPeer } from '../load/ipc.js';
import type { GeneratorProtocol } from '../load/generator-child.js';
import { cpuPercentBetween } from '../load/process-sample.js';
import { placeCalls, SipLoadError, SipLoadUac, type UacCall } from '../load/sip-load-uac.js';
import { PCMU_CODEC } from '../load/tone-frames.js';
import type { ServerProtocol, ServerReady, ServerSample } from '../load/voxbridge-child.js';
import { lateness, targets, type LatenessSample } from '../load/load-figures.js';

interface Settings {
  readonly legs: number;
  readonly seconds: number;
  readonly workers: number;
  readonly cps: number;
  readonly warmupS: number;
  readonly slots: number;
  readonly inProcess: boolean;
  readonly cpuProfDir: string | null;
}

function option(args: readonly string[], name: string, fallback: number): number {
  const at = args.indexOf(name);
  const value = at >= 0 ? Number(args[at + 1]) : fallback;
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} needs a number ≥ 0`);
  return value;
}

function settings(args: readonly string[]): Settings {
  const at = args.indexOf('--cpu-prof');
  return {
    legs: option(args, '--legs', 1000),
    seconds: option(args, '--seconds', 60),
    workers: option(args, '--workers', 0),
    cps: Math.max(1, option(args, '--cps', 100)),
    warmupS: option(args, '--warmup', 5),
    slots: Math.max(1, option(args, '--slots', 4)),
    inProcess: args.includes('--in-process'),
    cpuProfDir: at >= 0 ? (args[at + 1] ?? 'profiles') : null,
  };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const round = (value: number, places = 1): number => Math.round(value * 10 ** places) / 10 ** places;

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
}

/** Growth of a per-worker memory figure between two samples, per leg (KB). */
function perLegKB(from: ServerSample, to: ServerSample, legs: number, pick: (worker: ServerSample['engine']['workers'][number]) => number): number {
  const total = (sample: ServerSample): number => sample.engine.workers.reduce((sum, w) => sum + pick(w), 0);
  return legs === 0 ? 0 : (total(to) - total(from)) / 1024 / legs;
}

function latenessSample(atS: number, sample: ServerSample): LatenessSample {
  return { atS, workers: sample.engine.workers.map((w) => ({ index: w.index, legs: w.legs, p50Ms: w.clock.latenessP50Ms, p99Ms: w.clock.latenessP99Ms, maxMs: w.clock.latenessMaxMs, missed: w.clock.missed, cpuPercent: w.cpuPercent })) };
}

async function run(args: readonly string[]): Promise<unknown> {
  const s = settings(args);
  const loadBefore = loadavg();
  const serverArgs = [
    '--sip-listen', '127.0.0.1:0', '--sip-transports', 'udp', '--rtp-bind', '127.0.0.1', '--log-level', 'warn',
    '--media-workers', String(s.workers), '--media-in-process', String(s.inProcess), '--max-calls', String(s.legs + 100),
    '--admin-enabled', 'false',
  ];
  const execArgv = s.cpuProfDir === null ? [] : ['--cpu-prof', '--cpu-prof-dir', s.cpuProfDir];
  const server = await IpcPeer.fork<ServerProtocol, ServerReady>(new URL('../load/voxbridge-child.js', import.meta.url), serverArgs, execArgv);
  const generator = await IpcPeer.fork<GeneratorProtocol, unknown>(new URL('../load/generator-child.js', import.meta.url), []);
  const uac = await SipLoadUac.open({ server: server.ready.sip, target: 'echo' });
  try {
    await sleep(2000); // let the workers finish loading before the idle figure
    const idle = await server.request('sample', {});
    const opened = await generator.request('open', { streams: s.legs, slots: s.slots, maxSeconds: s.seconds + s.legs / s.cps + s.warmupS + 120 });

    const placed = await placeCalls(uac, s.legs, s.cps, (i) => ({ rtpPort: opened.ports[i] ?? 0, codec: PCMU_CODEC }), async (i, call) => {
      await generator.request('connect', { targets: [{ index: i, address: call.media.address, port: call.media.port }] });
    });
    const calls = placed.results.filter((r): r is UacCall => !(r instanceof SipLoadError));
    const failures = placed.results.filter((r): r is SipLoadError => r instanceof SipLoadError);

    await sleep(s.warmupS * 1000);
    const startGen = await generator.request('mark', {});
    const startServer = await server.request('sample', {});
    const samples: LatenessSample[] = [];
    const holdStarted = performance.now();
    for (let elapsed = 0; elapsed < s.seconds; ) {
      const step = Math.min(10, s.seconds - elapsed);
      await sleep(step * 1000);
      elapsed += step;
      samples.push(latenessSample(round((performance.now() - holdStarted) / 1000), await server.request('sample', {})));
    }
    const endServer = await server.request('sample', {});
    const end = await generator.request('stop', { drainMs: 500 });
    const report = end.report;
    const loadAtEnd = loadavg();

    const hangupStarted = performance.now();
    const byes = await Promise.all(calls.map((call) => uac.hangup(call).catch(() => -1)));
    const hangupSeconds = (performance.now() - hangupStarted) / 1000;
    await sleep(500); // the last legs' leg.closed events reach the server's main thread
    const closedLegs = await server.request('closedLegs', {});
    const serverCpu = cpuPercentBetween(startServer.process, endServer.process);
    const generatorCpu = cpuPercentBetween(startGen.process, end.process);
    const rssPerLegKB = calls.length === 0 ? 0 : (endServer.process.rssBytes - idle.process.rssBytes) / 1024 / calls.length;
    const tick = lateness(samples, startServer, endServer);
    const serverLoss = report.packetDeficit + report.totals.seqLost;
    return {
      settings: { ...s, codec: 'PCMU/8000 20 ms', cores: availableParallelism(), loadAverageBefore: loadBefore.map((v) => round(v, 2)), loadAverageAtEnd: loadAtEnd.map((v) => round(v, 2)) },
      setup: {
        answered: calls.length,
        failed: failures.length,
        failures: [...new Set(failures.map((f) => `${f.code}: ${f.message}`))].slice(0, 5),
        seconds: round(placed.seconds, 2),
        setupMsP50: round(percentile(calls.map((c) => c.setupMs), 50)),
        setupMsP99: round(percentile(calls.map((c) => c.setupMs), 99)),
        sipRetransmissions: uac.retransmissions,
        serverLegsAtLoad: endServer.engine.legs,
        endedByServer: calls.filter((c) => c.endedByServer).length,
      },
      window: { seconds: report.windowSeconds, activeLegs: report.activeStreams },
      perLeg: { packetsOut: report.perStream.packetsOut, packetsIn: report.perStream.packetsIn, seqLost: report.perStream.seqLost, late: report.perStream.late },
      loss: {
        // Packets by count: what the generator sent on each leg and did not get back.
        serverPackets: serverLoss,
        seqGaps: report.totals.seqLost,
        reordered: report.totals.reordered,
        duplicates: report.totals.duplicates,
        sendErrors: report.totals.sendErrors,
        // Audio by content: marked frames that did not come back intact (time-stretch edits and concealment count here).
        framesSent: report.echo?.sent ?? report.totals.packetsOut,
        framesEchoedIntact: report.echo?.returned ?? 0,
        framesNotEchoedSentOnTime: report.echo?.serverMissing ?? 0,
        framesNotEchoedSentLate: report.echo?.missingAfterGeneratorLate ?? 0,
        legsWithMissingFrames: report.echo?.streamsWithLoss ?? 0,
        packetsWithoutMarker: report.totals.unmarked,
      },
      late: { packets: report.totals.late, definition: 'echoed frame > 40 ms slower than its leg’s fastest round trip', roundTripMs: report.roundTrip },
      tickLateness: tick,
      cpuPercent: { server: serverCpu, generator: generatorCpu, serverWorkersEventLoop: endServer.engine.workers.map((w) => w.cpuPercent) },
      generator: report.generator,
      // The server's own receive counters for the last legs closed (whole call, warm-up included).
      serverClosedLegs: closedLegs,
      memory: {
        serverRssIdleMB: round(idle.process.rssBytes / 2 ** 20),
        serverRssAtLoadMB: round(endServer.process.rssBytes / 2 ** 20),
        rssPerLegKB: round(rssPerLegKB),
        // Where it went: V8 heap and off-heap (ArrayBuffers, WASM) of the media workers, per leg.
        workersHeapPerLegKB: round(perLegKB(idle, endServer, calls.length, (w) => w.heapUsedBytes)),
        workersExternalPerLegKB: round(perLegKB(idle, endServer, calls.length, (w) => w.externalBytes)),
        generatorRssMB: round(end.process.rssBytes / 2 ** 20),
      },
      hangup: { byeOk: byes.filter((code) => code === 200).length, byeFailed: byes.filter((code) => code !== 200 && code !== 0).length, seconds: round(hangupSeconds, 2) },
      targets: targets({ legs: report.activeStreams, serverLoss, p99Ms: tick.p99Ms, rssPerLegKB }),
    };
  } finally {
    await uac.close();
    await generator.request('close', {}).catch(() => undefined);
    await server.request('close', {}).catch(() => undefined);
    await Promise.all([generator.exit(), server.exit(15000)]);
  }
}

export const bench: BenchModule = {
  description: 'N concurrent echo calls over SIP + RTP (PCMU 20 ms) against a server child process: loss, tick lateness, CPU, RSS per leg',
  run,
};
