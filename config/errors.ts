/** A configuration problem found at start; the message names the key and what is allowed. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'ERR_CONFIG';

  constructor(
    message: string,
    readonly key: string | null,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
