/** The test client's one error class; `code` is stable, the message says what was awaited. */
export type SipTestClientErrorCode = 'TIMEOUT' | 'TRANSPORT' | 'PROTOCOL' | 'CLOSED';

export class SipTestClientError extends Error {
  override readonly name = 'SipTestClientError';

  constructor(
    readonly code: SipTestClientErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
