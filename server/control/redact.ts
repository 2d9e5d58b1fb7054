/** The effective config for display: secrets replaced, everything else as loaded. */
import type { Config } from '../../config/index.js';

export const REDACTED = '(redacted)';

export function redactConfig(config: Config): Config {
  return {
    ...config,
    // SIP accounts keep their user name; the password goes.
    auth: { ...config.auth, users: config.auth.users.map((entry) => `${entry.slice(0, entry.indexOf(':'))}:${REDACTED}`) },
    admin: { ...config.admin, token: config.admin.token === '' ? '' : REDACTED, tokens: config.admin.tokens.map(() => REDACTED) },
  };
}
