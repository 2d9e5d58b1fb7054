/**
 * The one error class of the SIP layer. Apps throw it to refuse something with
 * a SIP status (e.g. 488 from an `onOffer` handler); the stack rejects
 * `answer()`/`hangup()` promises with it. `code` is stable, `message` always set.
 */
export type SipErrorCode =
  /** An app refused a request with `status` (default code for `new SipError(status, message)`). */
  | 'ERR_SIP_STATUS'
  /** No ACK arrived for our 2xx within 64*T1; the stack sent BYE. */
  | 'ERR_SIP_ACK_TIMEOUT'
  /** The caller cancelled before the call was answered. */
  | 'ERR_SIP_CANCELLED'
  /** The call or dialog ended (remote BYE, shutdown) before the operation finished. */
  | 'ERR_SIP_CALL_ENDED'
  /** The operation is not allowed in the current state (answering twice, status out of range). */
  | 'ERR_SIP_STATE';

export class SipError extends Error {
  override readonly name = 'SipError';
  readonly code: SipErrorCode;

  constructor(
    /** SIP status the failure maps to (488, 408, 487, 500...). */
    readonly status: number,
    message: string,
    options?: { code?: SipErrorCode; cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = options?.code ?? 'ERR_SIP_STATUS';
  }
}
