/**
 * The server under test for load benchmarks, as a forked child process:
 * starts voxbridge from CLI flags (as `voxbridge` would) and answers the
 * parent over IPC with `engine.stats`, process CPU and memory, and the call
 * count, so a bench can read the media clock's tick lateness without an
 * admin API. Run from dist/ (compiled), e.g. with `--cpu-prof` in execArgv.
 */
import { loadConfig, parseCliArgs } from '../../config/index.js';
import type { EngineStats, LegStats } from '../../media/index.js';
import { startVoxbridge } from '../../server/voxbridge.js';
import { serveIpc } from './ipc.js';
import { sampleProcess, type ProcessSample } from './process-sample.js';

export interface ServerSample {
  readonly engine: EngineStats;
  readonly process: ProcessSample;
  readonly activeCalls: number;
}

/** Receive-side counters summed over the most recently closed legs (the server keeps the last 100). */
export interface ClosedLegsSummary {
  readonly legs: number;
  readonly rxPackets: number;
  readonly txPackets: number;
  readonly rxLost: number;
  /** Packets the jitter buffer dropped as too late to play. */
  readonly rxLate: number;
  readonly rxDuplicates: number;
  readonly rxOutOfOrder: number;
  readonly concealedMs: number;
  readonly acceleratedMs: number;
  readonly expandedMs: number;
  readonly meanTargetMs: number;
}

export type ServerProtocol = {
  sample: { request: Record<string, never>; reply: ServerSample };
  closedLegs: { request: Record<string, never>; reply: ClosedLegsSummary };
  close: { request: Record<string, never>; reply: { closed: true } };
};

export interface ServerReady {
  /** The SIP UDP address the server listens on. */
  readonly sip: { readonly address: string; readonly port: number };
  readonly process: ProcessSample;
}

function summarizeClosed(legs: readonly LegStats[]): ClosedLegsSummary {
  const sum = (pick: (leg: LegStats) => number): number => legs.reduce((total, leg) => total + pick(leg), 0);
  return {
    legs: legs.length,
    rxPackets: sum((l) => l.rx.packets),
    txPackets: sum((l) => l.tx.packets),
    rxLost: sum((l) => l.rx.lost),
    rxLate: sum((l) => l.rx.late),
    rxDuplicates: sum((l) => l.rx.duplicates),
    rxOutOfOrder: sum((l) => l.rx.outOfOrder),
    concealedMs: sum((l) => l.concealedMs),
    acceleratedMs: sum((l) => l.jitterBuffer.acceleratedMs),
    expandedMs: sum((l) => l.jitterBuffer.expandedMs),
    meanTargetMs: legs.length === 0 ? 0 : Math.round(sum((l) => l.jitterBuffer.targetMs) / legs.length),
  };
}

async function main(): Promise<void> {
  const args = parseCliArgs(process.argv.slice(2));
  const config = loadConfig({ file: args.configFile, env: process.env, overrides: args.overrides });
  const server = await startVoxbridge(config);
  const udp = server.sip.udp;
  if (udp === undefined) throw new Error('the server has no UDP SIP transport');
  let closing: Promise<void> | null = null;
  serveIpc<ServerProtocol>(
    {
      sample: async () => ({
        engine: await server.engine.request('engine.stats', {}),
        process: sampleProcess(),
        activeCalls: server.activeCalls(),
      }),
      closedLegs: () => summarizeClosed(server.closedLegStats()),
      close: async () => {
        closing ??= server.close();
        await closing;
        // Exit after the reply is on its way.
        setImmediate(() => {
          process.disconnect();
          // Anything still holding the loop open must not keep the child (or a --cpu-prof write) waiting.
          setTimeout(() => process.exit(0), 2000).unref();
        });
        return { closed: true };
      },
    },
    { sip: { address: udp.host, port: udp.port }, process: sampleProcess() } satisfies ServerReady,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`voxbridge-child: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
