/**
 * The RTP load generator as a forked child process, so its CPU is its own
 * and not the server's or the bench's. The parent opens N streams, points
 * each at the port the server answered with, marks the measuring window,
 * samples, and stops; every reply carries this process's CPU and memory.
 */
import { serveIpc } from './ipc.js';
import { sampleProcess, type ProcessSample } from './process-sample.js';
import type { LoadReport } from './load-report.js';
import { RtpLoadGenerator, type RtpLoadOptions } from './rtp-load-generator.js';

export interface StreamTarget {
  readonly index: number;
  readonly address: string;
  readonly port: number;
}

export interface GeneratorSample {
  readonly report: LoadReport;
  readonly process: ProcessSample;
}

export type GeneratorProtocol = {
  /** Binds the streams and starts the timer loop (streams send once connected). */
  open: { request: Omit<RtpLoadOptions, 'timers'>; reply: { ports: number[]; process: ProcessSample } };
  connect: { request: { targets: readonly StreamTarget[] }; reply: { connected: number } };
  stopStreams: { request: { indexes: readonly number[] }; reply: { stopped: number } };
  mark: { request: Record<string, never>; reply: { tick: number; process: ProcessSample } };
  sample: { request: Record<string, never>; reply: GeneratorSample };
  /** Stops sending, waits `drainMs` for echoes still on their way, and reports. */
  stop: { request: { drainMs: number }; reply: GeneratorSample };
  close: { request: Record<string, never>; reply: { closed: true } };
};

let generator: RtpLoadGenerator | null = null;

function need(): RtpLoadGenerator {
  if (generator === null) throw new Error('open the generator first');
  return generator;
}

serveIpc<GeneratorProtocol>(
  {
    open: async (options) => {
      if (generator !== null) throw new Error('the generator is already open');
      generator = await RtpLoadGenerator.open(options);
      generator.start();
      return { ports: generator.ports, process: sampleProcess() };
    },
    connect: async ({ targets }) => {
      const g = need();
      await Promise.all(targets.map((t) => g.connect(t.index, t.address, t.port)));
      return { connected: targets.length };
    },
    stopStreams: ({ indexes }) => {
      const g = need();
      for (const index of indexes) g.stopStream(index);
      return { stopped: indexes.length };
    },
    mark: () => {
      const g = need();
      g.mark();
      return { tick: g.currentTick, process: sampleProcess() };
    },
    sample: () => ({ report: need().report(), process: sampleProcess() }),
    stop: async ({ drainMs }) => {
      const g = need();
      g.stopSending();
      const process = sampleProcess();
      await new Promise((resolve) => setTimeout(resolve, drainMs));
      return { report: g.report(), process };
    },
    close: async () => {
      await generator?.close();
      generator = null;
      setImmediate(() => {
        process.disconnect();
        // Anything still holding the loop open must not keep the child (or a --cpu-prof write) waiting.
        setTimeout(() => process.exit(0), 2000).unref();
      });
      return { closed: true };
    },
  },
  { pid: process.pid },
);
