/**
 * The programmatic API, for apps that embed voxbridge instead of running the
 * CLI: `import { createServer, loadConfig, defaultConfig } from 'voxbridge'`.
 * See docs/admin.md ("Programmatic API").
 */
import { readFileSync } from 'node:fs';
import type { Config } from '../config/index.js';
import { startVoxbridge, type RunningVoxbridge, type StartOptions } from './voxbridge.js';

export { defaultConfig, loadConfig, ConfigError, type Config } from '../config/index.js';
export type { RunningVoxbridge, StartOptions } from './voxbridge.js';
export type { ControlPlane, CallInfo, RoomDirectory, DialOutRequest, AdminEvent } from './control/index.js';
export type { EngineEvent, LegStats, VoiceSettings, RoomOptions } from '../media/index.js';

function packageVersion(): string {
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}

/** Starts SIP, media, conferences and (when `admin.enabled`) the admin API with `config`. */
export function createServer(config: Config, options: StartOptions = {}): Promise<RunningVoxbridge> {
  return startVoxbridge(config, { version: packageVersion(), ...options });
}
