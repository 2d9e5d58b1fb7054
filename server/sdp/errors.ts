/**
 * The one SDP error class. `code` is stable; `status` is the SIP response the
 * caller sends when the SDP came in an INVITE (400: not SDP we can read at all,
 * 488 Not Acceptable Here: well-formed but nothing we can accept). `message`
 * is a human reason suitable for a Warning header.
 */
export type SdpErrorCode =
  | 'ERR_SDP_MALFORMED'
  | 'ERR_SDP_NO_AUDIO'
  | 'ERR_SDP_NO_COMMON_CODEC'
  | 'ERR_SDP_SRTP_NOT_SUPPORTED'
  /** srtp.policy is mandatory and the offer is plain RTP. */
  | 'ERR_SDP_SRTP_REQUIRED'
  | 'ERR_SDP_UNSUPPORTED';

const STATUS_BY_CODE: Readonly<Record<SdpErrorCode, 400 | 488>> = {
  ERR_SDP_MALFORMED: 400,
  ERR_SDP_NO_AUDIO: 488,
  ERR_SDP_NO_COMMON_CODEC: 488,
  ERR_SDP_SRTP_NOT_SUPPORTED: 488,
  ERR_SDP_SRTP_REQUIRED: 488,
  ERR_SDP_UNSUPPORTED: 488,
};

export class SdpError extends Error {
  override readonly name = 'SdpError';
  readonly status: 400 | 488;

  constructor(
    readonly code: SdpErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.status = STATUS_BY_CODE[code];
  }
}

export function malformed(reason: string): SdpError {
  return new SdpError('ERR_SDP_MALFORMED', `malformed SDP: ${reason}`);
}
