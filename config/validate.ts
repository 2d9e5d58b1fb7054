/**
 * Validates a merged config object against the schema and the rules a schema
 * cannot express (port range order). Errors name the key, the allowed values
 * and the value found.
 */
import { Value } from '@sinclair/typebox/value';
import { ConfigSchema, type Config, type LeafOptions } from './schema.js';
import { ConfigError } from './errors.js';
import { parsePortRange } from './host-port.js';
import { configLeaves } from './leaves.js';

const leaves = configLeaves(ConfigSchema);
/** Keys whose values hold secrets besides leaves marked `secret: true` (auth users carry passwords). */
const SECRET_KEYS: ReadonlySet<string> = new Set(['auth.users']);

export function validateConfig(input: unknown): Config {
  const withDefaults = Value.Default(ConfigSchema, Value.Clone(input ?? {}));
  const first = Value.Errors(ConfigSchema, withDefaults).First();
  if (first) {
    // An error inside a list points at the element; report the list's key and hint.
    const key = first.path.split('/').filter((part) => part !== '' && !/^[0-9]+$/.test(part)).join('.');
    const leaf = leaves.find((candidate) => candidate.key === key);
    const hint = leaf?.schema.hint ?? (first.schema as Partial<LeafOptions>).hint;
    const allowed = hint ? `; allowed: ${hint}` : '';
    // Secrets (tokens, passwords) are never echoed back: error messages end up in logs.
    const secret = (leaf?.schema as { secret?: boolean } | undefined)?.secret === true || SECRET_KEYS.has(key);
    const shown = secret ? '(value hidden)' : JSON.stringify(first.value);
    const message =
      first.message === 'Unexpected property'
        ? `unknown config key "${key}"`
        : `invalid value for config key "${key}": ${shown} (${first.message}${allowed})`;
    throw new ConfigError(message, key);
  }
  const config = withDefaults as Config;
  checkRules(config);
  return config;
}

function checkRules(config: Config): void {
  const { low, high } = parsePortRange(config.rtp.ports);
  if (low < 1024 || high > 65535 || low >= high || high - low < 3) {
    throw new ConfigError(
      `invalid value for config key "rtp.ports": "${config.rtp.ports}" (allowed: LOW-HIGH with 1024 <= LOW < HIGH <= 65535 and room for at least two port pairs)`,
      'rtp.ports',
    );
  }
  for (const key of ['sip.listen', 'admin.listen'] as const) {
    const value = key === 'sip.listen' ? config.sip.listen : config.admin.listen;
    const port = Number(value.slice(value.lastIndexOf(':') + 1));
    if (port > 65535) {
      throw new ConfigError(`invalid value for config key "${key}": "${value}" (port must be 0-65535)`, key);
    }
  }
}
