/**
 * The control plane's one error class. Route handlers and the room directory
 * throw it; the admin API turns it into `{ error: { code, message } }` with the
 * HTTP status of its code.
 */
export type ControlErrorCode =
  | 'ERR_BAD_REQUEST'
  | 'ERR_UNAUTHORIZED'
  | 'ERR_FORBIDDEN'
  | 'ERR_NOT_FOUND'
  | 'ERR_CONFLICT'
  | 'ERR_PAYLOAD_TOO_LARGE'
  | 'ERR_UNAVAILABLE'
  | 'ERR_INTERNAL';

/** HTTP status of each code (dispatch by table). */
export const STATUS_OF: Readonly<Record<ControlErrorCode, number>> = {
  ERR_BAD_REQUEST: 400,
  ERR_UNAUTHORIZED: 401,
  ERR_FORBIDDEN: 403,
  ERR_NOT_FOUND: 404,
  ERR_CONFLICT: 409,
  ERR_PAYLOAD_TOO_LARGE: 413,
  ERR_UNAVAILABLE: 503,
  ERR_INTERNAL: 500,
};

export class ControlError extends Error {
  override readonly name = 'ControlError';
  constructor(
    readonly code: ControlErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  get status(): number {
    return STATUS_OF[this.code];
  }
}

export function notFound(what: string, id: string): ControlError {
  return new ControlError('ERR_NOT_FOUND', `no ${what} "${id}"`);
}
