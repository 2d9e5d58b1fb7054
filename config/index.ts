export { ConfigSchema, type Config, LOG_LEVELS, KNOWN_CODECS } from './schema.js';
export { loadConfig, type ConfigSources } from './loader.js';
export { validateConfig } from './validate.js';
export { parseCliArgs, helpText, type CliArgs } from './cli-args.js';
export { ConfigError } from './errors.js';
export { parseHostPort, parsePortRange, type HostPort, type PortRange } from './host-port.js';

import { validateConfig } from './validate.js';
import type { Config } from './schema.js';

/** The built-in defaults, fully populated; tests start from this. */
export function defaultConfig(): Config {
  return validateConfig({});
}
