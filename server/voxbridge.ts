/**
 * Composition root: wires config, logging, the media engine, the signalling
 * backend, the call router, conferences, the control plane and the admin API
 * into one running server. `main.ts` calls this from the command line, apps
 * that embed voxbridge call it through `createServer` (server/index.ts), and
 * tests call it in-process with port 0.
 */
import type { Config, HostPort } from '../config/index.js';
import { sdpFmtpFromConfig } from '../codecs/index.js';
import { buildVoiceProfile } from '../dsp/voice/index.js';
import type { LegStats, MediaEngine } from '../media/index.js';
import { createMediaEngine } from '../media/worker/index.js';
import { startAdmin, type RunningAdmin } from './admin/index.js';
import { ConferenceRooms } from './apps/conference/index.js';
import { createRouter } from './apps/router.js';
import { CallDirectory, ControlPlane, gracefulShutdown, type ShutdownReport } from './control/index.js';
import { createLogger, type Logger } from './logger.js';
import type { SignalingBackend, SignalingCounters, SipTransportName } from './signaling/backend.js';
import { EmbeddedSipBackend } from './signaling/embedded-backend.js';

export interface RunningVoxbridge {
  readonly sip: Readonly<Partial<Record<SipTransportName, HostPort>>>;
  readonly logger: Logger;
  /** Number of calls currently answered. */
  activeCalls(): number;
  /** Final stats of the most recently closed legs (newest last), for diagnostics and tests. */
  closedLegStats(): readonly LegStats[];
  sipCounters(): SignalingCounters;
  /** The conference rooms (also what the admin API drives). */
  readonly conference: ConferenceRooms;
  /** The media engine (for `engine.stats` and diagnostics; the load bench's server child reads it). */
  readonly engine: MediaEngine;
  /** Calls, rooms, dial-out, recordings, voice profiles and events: what the admin API serves. */
  readonly control: ControlPlane;
  /** The admin API, null when `admin.enabled` is false. */
  readonly admin: RunningAdmin | null;
  /**
   * SIGTERM: stop accepting calls (503), let live calls end for
   * `admin.shutdownGraceSeconds`, BYE the rest, finish recordings, close.
   */
  shutdown(): Promise<ShutdownReport>;
  /** Stops at once: ends live calls with BYE, releases every port. Idempotent. */
  close(): Promise<void>;
}

const CLOSED_STATS_KEPT = 100;

export interface StartOptions {
  readonly logger?: Logger;
  /** Reported by the admin API's server info. */
  readonly version?: string;
}

export async function startVoxbridge(config: Config, options: StartOptions = {}): Promise<RunningVoxbridge> {
  const logger = options.logger ?? createLogger(config.log);
  const engine = await createMediaEngine({ config, logger: logger.child({ component: 'media' }) });
  const backend: SignalingBackend = new EmbeddedSipBackend({ config: config.sip, auth: config.auth, logger: logger.child({ component: 'sip' }) });
  const calls = new CallDirectory();
  const closedStats: LegStats[] = [];
  const conference = new ConferenceRooms({ engine, config: config.conference, logger });
  const sdpPolicy = { codecs: config.codecs.preference, fmtp: sdpFmtpFromConfig(config.codecs), srtp: config.srtp.policy };

  engine.onEvent((event) => {
    if (event.type === 'leg.rtp-timeout') {
      void calls.get(event.legId)?.hangup(`no RTP for ${Math.round(event.silentMs / 1000)} s`);
    } else if (event.type === 'leg.failed') {
      // The leg's media worker died: end the call cleanly with BYE rather than leave it silent.
      void calls.get(event.legId)?.hangup(`media failed: ${event.reason}`);
    } else if (event.type === 'leg.closed') {
      closedStats.push(event.stats);
      if (closedStats.length > CLOSED_STATS_KEPT) closedStats.shift();
    }
  });

  let accepting = true;
  const route = createRouter(
    { echoUser: config.apps.echoUser },
    { engine, sdpPolicy, logger, maxCallSeconds: config.apps.maxCallSeconds, calls },
    backend,
    conference,
  );
  backend.onInvite((call) => {
    if (accepting) route(call);
    else call.reject(503, { warning: 'server shutting down', headers: { 'Retry-After': '30' } });
  });

  let sip: RunningVoxbridge['sip'];
  try {
    sip = await backend.start();
  } catch (error) {
    await engine.request('engine.close', {});
    throw error;
  }

  const control = new ControlPlane({
    config,
    engine,
    calls,
    sdpPolicy,
    logger,
    dialer: backend,
    sipCounters: () => backend.counters(),
    rooms: conference,
    voiceProfileBuilder: buildVoiceProfile,
    ...(options.version !== undefined ? { version: options.version } : {}),
    sip: Object.fromEntries(Object.entries(sip).filter((entry): entry is [string, HostPort] => entry[1] !== undefined)),
  });

  let admin: RunningAdmin | null = null;
  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      accepting = false;
      await admin?.close();
      control.close();
      await backend.close();
      conference.dispose();
      await engine.request('engine.close', {});
    })();
    return closing;
  };
  if (config.admin.enabled) {
    try {
      admin = await startAdmin({ config: config.admin, control, logger: logger.child({ component: 'admin' }), ...(options.version !== undefined ? { version: options.version } : {}) });
    } catch (error) {
      await close();
      throw error;
    }
  }

  return {
    sip,
    logger,
    activeCalls: () => calls.size,
    closedLegStats: () => closedStats,
    sipCounters: () => backend.counters(),
    conference,
    engine,
    control,
    admin,
    shutdown: () =>
      gracefulShutdown({
        calls,
        graceSeconds: config.admin.shutdownGraceSeconds,
        logger,
        stopAccepting: () => {
          accepting = false;
          control.stopAccepting();
        },
        flushRecordings: () => control.recordings.stopAll(),
        close,
      }),
    close,
  };
}
