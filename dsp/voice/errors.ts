/** The one error class of dsp/voice, with stable string codes. */

export type VoiceErrorCode =
  /** A VoiceSpec field is missing its type or range; the message names the field. */
  | 'ERR_VOICE_SPEC'
  /** Sample rate other than 8000, 16000 or 48000. */
  | 'ERR_VOICE_RATE'
  /** A profile needs at least 10 s of speech. */
  | 'ERR_PROFILE_TOO_SHORT'
  /** The recording has too little voiced speech to measure F0 and formants. */
  | 'ERR_PROFILE_UNVOICED';

export class VoiceError extends Error {
  readonly code: VoiceErrorCode;

  constructor(code: VoiceErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'VoiceError';
    this.code = code;
  }
}
