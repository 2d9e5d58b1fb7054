/**
 * Graceful shutdown (SIGTERM): stop accepting calls, give live calls
 * `graceSeconds` to end on their own, BYE the rest, finish recordings, close.
 * Waits on call-registry events, not on polling.
 */
import type { Logger } from '../logger.js';
import type { CallDirectory } from './call-directory.js';

export interface GracefulShutdownOptions {
  readonly calls: CallDirectory;
  readonly graceSeconds: number;
  /** Makes new INVITEs fail (503) and readiness report not ready. */
  stopAccepting(): void | Promise<void>;
  /** Finishes active recordings so their files are complete. */
  flushRecordings?(): Promise<void>;
  /** Closes everything else (admin API, SIP, media). */
  close(): Promise<void>;
  readonly logger: Logger;
  /** Resolves after `ms`; injectable for tests. */
  readonly wait?: (ms: number) => Promise<void>;
}

export interface ShutdownReport {
  /** Calls that ended on their own within the grace period. */
  readonly endedByThemselves: number;
  /** Calls we ended with BYE after it. */
  readonly hungUp: number;
}

const defaultWait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());

export async function gracefulShutdown(options: GracefulShutdownOptions): Promise<ShutdownReport> {
  const { calls, logger } = options;
  await options.stopAccepting();
  const before = calls.size;
  logger.info({ calls: before, graceSeconds: options.graceSeconds }, 'shutdown: no new calls; waiting for live calls to end');
  if (before > 0 && options.graceSeconds > 0) {
    let unsubscribe = (): void => undefined;
    const drained = new Promise<void>((resolve) => {
      unsubscribe = calls.onChange(() => {
        if (calls.size === 0) resolve();
      });
    });
    await Promise.race([drained, (options.wait ?? defaultWait)(options.graceSeconds * 1000)]);
    unsubscribe();
  }
  const remaining = calls.all();
  if (remaining.length > 0) logger.info({ calls: remaining.length }, 'shutdown: grace period over, ending calls with BYE');
  await Promise.all(remaining.map((call) => call.hangup('server shutting down').catch((error: unknown) => logger.warn({ err: error, callId: call.callId }, 'BYE failed'))));
  await options.flushRecordings?.();
  await options.close();
  return { endedByThemselves: before - remaining.length, hungUp: remaining.length };
}
