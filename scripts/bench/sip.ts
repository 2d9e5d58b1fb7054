/**
 * `npm run bench -- sip [--rates 500,1000,1500] [--duration 30] [--hold 0] [--sipp 1] [--quick]`
 * `npm run bench -- sip --in-process [--calls 50000]` (the SIP core alone, see sip-core-cost.ts)
 *
 * Signalling load: SIPp places INVITE/200/ACK/BYE calls (SDP, no RTP) to the
 * echo test of a voxbridge started as a child process (`dist/server/main.js`
 * on 127.0.0.1, default config: every call gets a real RTP leg, two UDP
 * sockets, from the media engine). Each rate runs for `--duration` seconds on
 * a fresh server (after 2 s of unmeasured warm-up calls); a rate passes when
 * every call succeeded (0 failed, none missing) and SIPp kept up with it. The result is the highest passing rate
 * with its p50/p99 setup time (INVITE sent → 200 received, per call, from
 * SIPp's -trace_rtt), plus CPU use of the server and of SIPp.
 */
import type { BenchModule } from '../bench.js';
import { measureCoreCost } from './sip-core-cost.js';
import { cpuSeconds, percentile, runSipp, startServer, type SippRun } from './sip-load.js';

interface Options {
  readonly rates: readonly number[];
  readonly durationS: number;
  readonly holdMs: number;
  readonly sippProcesses: number;
  readonly serverArgs: readonly string[];
}

interface Step {
  readonly rate: number;
  readonly calls: number;
  readonly successful: number;
  readonly failed: number;
  readonly retransmissions: number;
  readonly achievedCps: number;
  readonly setupP50Ms: number | null;
  readonly setupP99Ms: number | null;
  readonly setupMaxMs: number | null;
  /** Share of one core, averaged over the step. */
  readonly serverCpuPercent: number;
  readonly sippCpuPercent: number;
  readonly pass: boolean;
  readonly note?: string;
}

const TARGET = { callsPerSecond: 1000, p99SetupMs: 50 } as const;
/** SIPp must reach this share of the asked rate for the step to count as sustained. */
const SUSTAINED_SHARE = 0.95;

function parseArgs(args: readonly string[]): Options {
  const value = (name: string): string | undefined => {
    const index = args.indexOf(`--${name}`);
    return index >= 0 ? args[index + 1] : undefined;
  };
  const quick = args.includes('--quick');
  const number = (name: string, fallback: number): number => {
    const raw = value(name);
    const parsed = raw === undefined ? fallback : Number(raw);
    if (!Number.isFinite(parsed) || parsed < 0) throw new Error(`--${name} needs a non-negative number, got ${raw}`);
    return parsed;
  };
  const rates = (value('rates') ?? (quick ? '500,1000' : '500,1000,1250,1500,1750,2000,2500')).split(',').map(Number);
  if (rates.some((rate) => !Number.isInteger(rate) || rate <= 0)) throw new Error('--rates needs positive integers, e.g. 500,1000');
  return {
    rates,
    durationS: number('duration', quick ? 10 : 30),
    holdMs: number('hold', 0),
    sippProcesses: Math.max(1, Math.round(number('sipp', 1))),
    serverArgs: (value('server-args') ?? '').split(' ').filter((arg) => arg.length > 0),
  };
}

/** Calls at the start of each fresh server that are not measured: JIT and socket pools warm up. */
const WARMUP = { rate: 500, seconds: 2 } as const;

async function runStep(rate: number, options: Options): Promise<Step> {
  const server = await startServer(options.serverArgs);
  try {
    const warmRate = Math.min(rate, WARMUP.rate);
    await runSipp({ port: server.port, rate: warmRate, calls: warmRate * WARMUP.seconds, holdMs: 0, limit: 200, timeoutS: 30 });
    const perProcess = rate / options.sippProcesses;
    const calls = Math.round(perProcess * options.durationS);
    const limit = Math.max(200, Math.ceil(perProcess * (options.holdMs / 1000 + 1)));
    const cpuBefore = cpuSeconds(server.pid);
    const started = Date.now();
    const runs: SippRun[] = await Promise.all(
      Array.from({ length: options.sippProcesses }, () =>
        runSipp({ port: server.port, rate: perProcess, calls, holdMs: options.holdMs, limit, timeoutS: options.durationS * 2 + 30 }),
      ),
    );
    const wall = (Date.now() - started) / 1000;
    const serverCpu = cpuSeconds(server.pid) - cpuBefore;
    const successful = runs.reduce((sum, run) => sum + run.successful, 0);
    const failed = runs.reduce((sum, run) => sum + run.failed, 0);
    const setup = runs.flatMap((run) => run.setupMs);
    // Calls are placed over the duration; the last ones then hold for holdMs before their BYE.
    const placingSeconds = Math.max(0.001, Math.max(...runs.map((run) => run.wallSeconds)) - options.holdMs / 1000);
    const achievedCps = successful / placingSeconds;
    const expected = calls * options.sippProcesses;
    const pass = failed === 0 && successful === expected && achievedCps >= SUSTAINED_SHARE * rate;
    const errors = runs.map((run) => run.errors).filter((text) => text.length > 0);
    return {
      rate,
      calls: expected,
      successful,
      failed,
      retransmissions: runs.reduce((sum, run) => sum + run.retransmissions, 0),
      achievedCps: Math.round(achievedCps),
      setupP50Ms: percentile(setup, 50),
      setupP99Ms: percentile(setup, 99),
      setupMaxMs: percentile(setup, 100),
      serverCpuPercent: Math.round((serverCpu / wall) * 100),
      sippCpuPercent: Math.round((runs.reduce((sum, run) => sum + run.cpuSeconds, 0) / wall) * 100),
      pass,
      ...(errors.length > 0 ? { note: errors.join('\n').slice(0, 500) } : {}),
    };
  } finally {
    await server.stop();
  }
}

export const bench: BenchModule = {
  description: 'SIP calls/s (INVITE/200/ACK/BYE via SIPp) the server sustains with 0 failures, and p50/p99 setup time',
  async run(args) {
    if (args.includes('--in-process')) {
      const index = args.indexOf('--calls');
      const calls = index >= 0 ? Number(args[index + 1]) : 50_000;
      if (!Number.isInteger(calls) || calls <= 0) throw new Error('--calls needs a positive integer');
      return { mode: 'in-process SIP core, no sockets, no media', ...(await measureCoreCost(calls)) };
    }
    const options = parseArgs(args);
    const steps: Step[] = [];
    for (const rate of options.rates) {
      const step = await runStep(rate, options);
      steps.push(step);
      process.stderr.write(`sip bench: ${rate} calls/s → ${step.pass ? 'pass' : 'FAIL'} (p50 ${step.setupP50Ms} ms, p99 ${step.setupP99Ms} ms, server ${step.serverCpuPercent}% CPU)\n`);
      if (!step.pass) break;
    }
    const best = [...steps].reverse().find((step) => step.pass) ?? null;
    const withinTarget = [...steps].reverse().find((step) => step.pass && (step.setupP99Ms ?? Infinity) < TARGET.p99SetupMs) ?? null;
    return {
      scenario: 'sipp/uac-bench-call.xml',
      durationSeconds: options.durationS,
      holdMs: options.holdMs,
      sippProcesses: options.sippProcesses,
      media: 'default config: echo app, one RTP leg (2 UDP sockets) per call; SIPp sends no RTP',
      target: TARGET,
      highestPassingCps: best?.rate ?? 0,
      setupP50Ms: best?.setupP50Ms ?? null,
      setupP99Ms: best?.setupP99Ms ?? null,
      /** The highest passing rate whose p99 setup time is also under the target's. */
      highestCpsWithinP99Target: withinTarget?.rate ?? 0,
      meetsTarget: withinTarget !== null && withinTarget.rate >= TARGET.callsPerSecond,
      steps,
    };
  },
};
