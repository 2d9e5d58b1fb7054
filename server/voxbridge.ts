/**
 * Composition root: wires config, logging, the media engine, the signalling
 * backend and the call router into one running server. `main.ts` calls this
 * from the command line; tests call it in-process with port 0.
 */
import type { Config, HostPort } from '../config/index.js';
import { sdpFmtpFromConfig } from '../codecs/index.js';
import { InProcessEngine, type LegStats } from '../media/index.js';
import { createLogger, type Logger } from './logger.js';
import { EmbeddedSipBackend } from './signaling/embedded-backend.js';
import type { SignalingBackend, SignalingCounters, SipTransportName } from './signaling/backend.js';
import { LiveCalls } from './apps/call-registry.js';
import { createRouter } from './apps/router.js';

export interface RunningVoxbridge {
  readonly sip: Readonly<Partial<Record<SipTransportName, HostPort>>>;
  readonly logger: Logger;
  /** Number of calls currently answered. */
  activeCalls(): number;
  /** Final stats of the most recently closed legs (newest last), for diagnostics and tests. */
  closedLegStats(): readonly LegStats[];
  sipCounters(): SignalingCounters;
  /** Stops accepting calls, ends live calls with BYE, releases every port. Idempotent. */
  close(): Promise<void>;
}

const CLOSED_STATS_KEPT = 100;

export async function startVoxbridge(config: Config, options: { logger?: Logger } = {}): Promise<RunningVoxbridge> {
  const logger = options.logger ?? createLogger(config.log);
  const engine = new InProcessEngine({ rtp: config.rtp, codecs: config.codecs, logger: logger.child({ component: 'media' }) });
  const backend: SignalingBackend = new EmbeddedSipBackend({ config: config.sip, auth: config.auth, logger: logger.child({ component: 'sip' }) });
  const calls = new LiveCalls();
  const closedStats: LegStats[] = [];

  engine.onEvent((event) => {
    if (event.type === 'leg.rtp-timeout') {
      void calls.get(event.legId)?.hangup(`no RTP for ${Math.round(event.silentMs / 1000)} s`);
    } else if (event.type === 'leg.closed') {
      closedStats.push(event.stats);
      if (closedStats.length > CLOSED_STATS_KEPT) closedStats.shift();
    }
  });

  backend.onInvite(
    createRouter(
      { echoUser: config.apps.echoUser },
      {
        engine,
        sdpPolicy: { codecs: config.codecs.preference, fmtp: sdpFmtpFromConfig(config.codecs) },
        logger,
        maxCallSeconds: config.apps.maxCallSeconds,
        calls,
      },
      backend,
    ),
  );

  let sip: RunningVoxbridge['sip'];
  try {
    sip = await backend.start();
  } catch (error) {
    await engine.request('engine.close', {});
    throw error;
  }

  let closing: Promise<void> | null = null;
  return {
    sip,
    logger,
    activeCalls: () => calls.size,
    closedLegStats: () => closedStats,
    sipCounters: () => backend.counters(),
    close() {
      closing ??= (async () => {
        await backend.close();
        await engine.request('engine.close', {});
      })();
      return closing;
    },
  };
}
