/**
 * The moving parts of the `sip` benchmark: the server under test as a child
 * process (the built CLI, as an operator runs it), SIPp load generators, and
 * the figures read back from them (call counts from SIPp's stat CSV, setup
 * times from its per-call -trace_rtt log, CPU from /proc).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const SCENARIO = join(ROOT, 'sipp', 'uac-bench-call.xml');
const MAIN = join(ROOT, 'dist', 'server', 'main.js');
const CLOCK_TICKS = 100; // USER_HZ on Linux

export async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  const port = socket.address().port;
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

/** CPU seconds (user + system) a process has used so far, from /proc/PID/stat. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

export interface ServerUnderTest {
  readonly port: number;
  readonly pid: number;
  stop(): Promise<void>;
}

/**
 * Starts `node dist/server/main.js` on 127.0.0.1 and resolves once it says it listens.
 * 100 Trying is delayed 100 ms (sip.tryingDelayMs), as a loaded deployment would set it:
 * the echo app answers well within that, so each call saves a datagram.
 */
export async function startServer(extraArgs: readonly string[]): Promise<ServerUnderTest> {
  const port = await freeUdpPort();
  const args = [MAIN, '--sip-listen', `127.0.0.1:${port}`, '--rtp-bind', '127.0.0.1', '--log-level', 'warn', '--sip-trying-delay', '100', ...extraArgs];
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  // The server logs nothing at warn when all is well: wait until its SIP port answers an OPTIONS.
  await waitForOptions(port, child, () => output);
  return {
    port,
    pid: child.pid ?? 0,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const hard = setTimeout(() => child.kill('SIGKILL'), 5000);
      await once(child, 'exit');
      clearTimeout(hard);
    },
  };
}

async function waitForOptions(port: number, child: ChildProcess, output: () => string): Promise<void> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  const local = socket.address().port;
  const probe = (n: number): Buffer =>
    Buffer.from(
      `OPTIONS sip:127.0.0.1:${port} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${local};branch=z9hG4bKbenchprobe${n}\r\nFrom: <sip:bench@127.0.0.1>;tag=b${n}\r\nTo: <sip:127.0.0.1>\r\nCall-ID: bench-probe-${n}\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n`,
    );
  try {
    const answered = new Promise<void>((resolve) => socket.once('message', () => resolve()));
    for (let n = 0; n < 100; n++) {
      if (child.exitCode !== null) throw new Error(`the server exited: ${output()}`);
      socket.send(probe(n), port, '127.0.0.1');
      const result = await Promise.race([answered.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 100))]);
      if (result) return;
    }
    throw new Error(`the server did not answer OPTIONS within 10 s: ${output()}`);
  } finally {
    socket.close();
  }
}

export interface SippRun {
  readonly successful: number;
  readonly failed: number;
  readonly retransmissions: number;
  /** INVITE → 200 times (ms, SIPp's 1 ms resolution), one per successful call. */
  readonly setupMs: number[];
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
  readonly exitCode: number | null;
  readonly errors: string;
}

/** One SIPp UAC: `calls` calls at `rate` per second against 127.0.0.1:port. */
export async function runSipp(options: { port: number; rate: number; calls: number; holdMs: number; limit: number; timeoutS: number }): Promise<SippRun> {
  const dir = mkdtempSync(join(tmpdir(), 'voxbridge-bench-'));
  const local = await freeUdpPort();
  const args = [
    '-sf', SCENARIO, `127.0.0.1:${options.port}`,
    '-s', 'echo', '-i', '127.0.0.1', '-p', String(local), '-mp', String((local + 2) & ~1),
    '-r', String(options.rate), '-m', String(options.calls), '-l', String(options.limit), '-d', String(options.holdMs),
    '-nostdin', '-timeout', `${options.timeoutS}s`, '-timeout_error',
    '-trace_stat', '-stf', join(dir, 'stat.csv'), '-fd', '1',
    '-trace_rtt', '-rtt_freq', '1000',
    '-trace_err', '-error_file', join(dir, 'errors.log'),
    '-max_socket', '2000', '-buff_size', String(4 * 1024 * 1024),
  ];
  const started = Date.now();
  const child = spawn('sipp', args, { cwd: dir, stdio: 'ignore' });
  child.on('error', () => undefined);
  // /proc/PID goes away with the process: sample its CPU time while it runs.
  let cpu = 0;
  const sampler = setInterval(() => {
    cpu = Math.max(cpu, cpuSeconds(child.pid ?? 0));
  }, 250);
  const [code] = (await once(child, 'close')) as [number | null];
  clearInterval(sampler);
  const wallSeconds = (Date.now() - started) / 1000;
  const stats = lastStatRow(readText(join(dir, 'stat.csv')));
  const setupMs = readRtt(dir);
  const result: SippRun = {
    successful: Number(stats['SuccessfulCall(C)'] ?? 0),
    failed: Number(stats['FailedCall(C)'] ?? 0),
    retransmissions: Number(stats['Retransmissions(C)'] ?? 0),
    setupMs,
    wallSeconds,
    cpuSeconds: cpu,
    exitCode: code,
    errors: readText(join(dir, 'errors.log')).split('\n').slice(0, 5).join('\n'),
  };
  rmSync(dir, { recursive: true, force: true });
  return result;
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function lastStatRow(csv: string): Record<string, string> {
  const lines = csv.split('\n').filter((line) => line.trim().length > 0);
  const header = lines[0]?.split(';') ?? [];
  const last = lines.length > 1 ? (lines[lines.length - 1]?.split(';') ?? []) : [];
  return Object.fromEntries(header.map((name, i) => [name, last[i] ?? '']));
}

/** SIPp names the -trace_rtt file <scenario>_<pid>_rtt.csv in its working folder: "Date_ms;response_time_ms;rtd_no". */
function readRtt(dir: string): number[] {
  const file = readdirSync(dir).find((name) => name.endsWith('_rtt.csv'));
  if (file === undefined) return [];
  const values: number[] = [];
  for (const line of readText(join(dir, file)).split('\n').slice(1)) {
    const value = Number(line.split(';')[1]);
    if (line.length > 0 && Number.isFinite(value)) values.push(value);
  }
  return values;
}

/** The p-th percentile (0-100) of `values`, nearest rank, to 0.1 ms. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  const value = sorted[rank];
  return value === undefined ? null : Math.round(value * 10) / 10;
}
