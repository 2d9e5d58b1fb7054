/**
 * Runs SIPp from tests: `runSipp` for a scenario that ends on its own (a UAC
 * placing N calls), `startSipp` for a far end that must be up before the test
 * talks to it (a UAS). Every run has SIPp's own -timeout plus a hard kill, its
 * stats and errors go to a temporary folder, and the result says how many
 * calls succeeded and failed (from the stat CSV, else the final screen).
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isListening, freeMediaPort, freePort } from './ports.js';

/** Folder of the project's SIPp scenarios. */
export const SIPP_DIR = fileURLToPath(new URL('../../sipp/', import.meta.url));

/** Absolute path of `sipp/<name>.xml`. */
export function sippScenario(name: string): string {
  return join(SIPP_DIR, name.endsWith('.xml') ? name : `${name}.xml`);
}

/** Null when `sipp` can run here, else why not (for `t.skip`/`{ skip }`). */
export function sippMissing(): string | null {
  const probe = spawnSync('sipp', ['-v'], { stdio: 'ignore' });
  if (probe.error) return 'sipp is not installed (Debian package sip-tester; `npm test` installs it as root)';
  return null;
}

export interface SippOptions {
  /** A scenario file (ends in .xml) or the name of a built-in scenario ('uas', 'uac'). */
  readonly scenario: string;
  /** 'host:port' of the far end (UAC scenarios). */
  readonly target?: string;
  /** Request-URI user (-s). */
  readonly service?: string;
  /** Calls to process before exiting (-m). */
  readonly calls?: number;
  /** Calls per second (-r). */
  readonly rate?: number;
  /** Most simultaneous calls (-l). */
  readonly limit?: number;
  readonly transport?: 'udp' | 'tcp';
  /** Local SIP port (-p); a free one when omitted. */
  readonly localPort?: number;
  /** Local RTP port (-mp); a free even one when omitted. */
  readonly mediaPort?: number;
  /** Echo RTP received on the media port (-rtp_echo). */
  readonly rtpEcho?: boolean;
  /** Scenario keywords (-key name value). */
  readonly keys?: Readonly<Record<string, string>>;
  /** SIPp's global timeout (-timeout, counted as a failure); the process is killed 5 s later. */
  readonly timeoutMs: number;
  readonly extraArgs?: readonly string[];
}

export interface SippResult {
  /** 0: every call succeeded; 1: some failed; 97/99/255: see SIPp's manual; null when killed. */
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly successful: number;
  readonly failed: number;
  readonly stdout: string;
  readonly stderr: string;
  /** The last row of the stat CSV by column name, when SIPp wrote one. */
  readonly stats: Readonly<Record<string, string>> | null;
  /** Contents of the error trace (unexpected messages, timeouts…). */
  readonly errors: string;
  readonly args: readonly string[];
}

export interface SippProcess {
  readonly localPort: number;
  readonly mediaPort: number;
  /** Settles when SIPp exits. */
  readonly result: Promise<SippResult>;
  /** Asks SIPp to quit (SIGINT, then SIGKILL after 3 s) and resolves with its result. Idempotent. */
  stop(): Promise<SippResult>;
}

/** Starts SIPp and resolves once its SIP port is listening (or it has already exited). */
export async function startSipp(options: SippOptions): Promise<SippProcess> {
  const transport = options.transport ?? 'udp';
  const localPort = options.localPort ?? (await freePort(transport));
  const mediaPort = options.mediaPort ?? (await freeMediaPort());
  const dir = mkdtempSync(join(tmpdir(), 'voxbridge-sipp-'));
  const args = sippArgs(options, localPort, mediaPort, dir);
  const child = spawn('sipp', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const killTimer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs + 5000);
  let exited = false;
  const result = (async (): Promise<SippResult> => {
    const [exitCode, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
    exited = true;
    clearTimeout(killTimer);
    const collected = collect(dir, stdout, stderr, exitCode, signal, args);
    rmSync(dir, { recursive: true, force: true });
    return collected;
  })();
  child.on('error', () => undefined); // reported through 'close' with a null code
  // SIPp only writes its screen on exit, so readiness is "the port is bound" (read from /proc, no race).
  const readyBy = Date.now() + 5000;
  while (!exited && !isListening(transport, localPort) && Date.now() < readyBy) {
    await Promise.race([result, new Promise((resolve) => setTimeout(resolve, 20))]);
  }
  let stopping: Promise<SippResult> | null = null;
  const stop = (): Promise<SippResult> => {
    stopping ??= (async () => {
      if (!exited) {
        child.kill('SIGINT');
        const hard = setTimeout(() => child.kill('SIGKILL'), 3000);
        await result.finally(() => clearTimeout(hard));
      }
      return result;
    })();
    return stopping;
  };
  return { localPort, mediaPort, result, stop };
}

/** Runs SIPp to completion. */
export async function runSipp(options: SippOptions): Promise<SippResult> {
  const sipp = await startSipp(options);
  return sipp.result;
}

function sippArgs(options: SippOptions, localPort: number, mediaPort: number, dir: string): string[] {
  const scenario = options.scenario.endsWith('.xml') ? ['-sf', options.scenario] : ['-sn', options.scenario];
  const args = [
    ...scenario,
    ...(options.target ? [options.target] : []),
    '-i', '127.0.0.1',
    '-p', String(localPort),
    '-mp', String(mediaPort),
    '-t', options.transport === 'tcp' ? 't1' : 'u1',
    '-nostdin',
    '-timeout', `${Math.ceil(options.timeoutMs / 1000)}s`,
    '-timeout_error',
    '-trace_stat', '-stf', join(dir, 'stats.csv'),
    '-trace_err', '-error_file', join(dir, 'errors.log'),
    '-trace_screen', '-screen_file', join(dir, 'screen.log'),
  ];
  if (options.service !== undefined) args.push('-s', options.service);
  if (options.calls !== undefined) args.push('-m', String(options.calls));
  if (options.rate !== undefined) args.push('-r', String(options.rate));
  if (options.limit !== undefined) args.push('-l', String(options.limit));
  if (options.rtpEcho) args.push('-rtp_echo');
  for (const [key, value] of Object.entries(options.keys ?? {})) args.push('-key', key, value);
  args.push(...(options.extraArgs ?? []));
  return args;
}

function readIfThere(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function collect(
  dir: string,
  stdout: string,
  stderr: string,
  exitCode: number | null,
  signal: NodeJS.Signals | null,
  args: readonly string[],
): SippResult {
  const stats = parseStatCsv(readIfThere(join(dir, 'stats.csv')));
  const screen = readIfThere(join(dir, 'screen.log')) || stdout;
  const fromScreen = (label: string): number => {
    const rows = [...screen.matchAll(new RegExp(`${label}\\s*\\|\\s*\\d+\\s*\\|\\s*(\\d+)`, 'g'))];
    return Number(rows[rows.length - 1]?.[1] ?? 0);
  };
  const successful = stats ? Number(stats['SuccessfulCall(C)'] ?? 0) : fromScreen('Successful call');
  const failed = stats ? Number(stats['FailedCall(C)'] ?? 0) : fromScreen('Failed call');
  return { exitCode, signal, successful, failed, stdout, stderr, stats, errors: readIfThere(join(dir, 'errors.log')), args };
}

/** The last row of a SIPp stat CSV (';'-separated, header first) keyed by column name. */
export function parseStatCsv(csv: string): Record<string, string> | null {
  const lines = csv.split('\n').filter((l) => l.trim().length > 0);
  const header = lines[0]?.split(';');
  const last = lines.length > 1 ? lines[lines.length - 1]?.split(';') : undefined;
  if (!header || !last) return null;
  return Object.fromEntries(header.map((name, i) => [name, last[i] ?? '']));
}

/** One line for assertion messages: what SIPp said when a run went wrong. */
export function describeSippRun(result: SippResult): string {
  const tail = (text: string): string => text.trim().split('\n').slice(-15).join('\n');
  return [
    `sipp ${result.args.join(' ')}`,
    `exit ${result.exitCode ?? result.signal}, ${result.successful} successful, ${result.failed} failed`,
    result.errors ? `errors:\n${tail(result.errors)}` : '',
    result.stderr ? `stderr:\n${tail(result.stderr)}` : '',
  ]
    .filter((s) => s.length > 0)
    .join('\n');
}
