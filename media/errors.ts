/**
 * The media plane's one error class. `code` is stable (callers and tests
 * switch on it); the message is for people and always says what to do.
 */
export type MediaErrorCode =
  /** Every RTP/RTCP port pair of `rtp.ports` is in use or cooling down. */
  | 'ERR_NO_PORTS'
  /** A socket could not be bound for a reason other than the port being taken. */
  | 'ERR_BIND'
  | 'ERR_NO_SUCH_LEG'
  | 'ERR_LEG_EXISTS'
  /** Command arguments failed validation at the engine boundary. */
  | 'ERR_INVALID_ARGS'
  /** The negotiated codec has no descriptor (or no encoder/decoder) in the registry. */
  | 'ERR_UNKNOWN_CODEC'
  | 'ERR_UNKNOWN_COMMAND'
  /** The media worker running the command died before answering (its legs get `leg.failed`). */
  | 'ERR_WORKER_FAILED'
  | 'ERR_ENGINE_CLOSED';

export class MediaError extends Error {
  override readonly name = 'MediaError';

  constructor(
    readonly code: MediaErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
