/**
 * Picks the stream and codec we answer an offer with (RFC 3264 §6): the first
 * audio m-line with a non-zero port, a transport we speak and a codec in
 * common; the codec is the SERVER's most preferred one among those offered
 * there. When nothing fits, the SdpError explains the most specific reason
 * found (no common codec > SRTP > other transport).
 */
import type { CodecDescriptor } from '../../codecs/index.js';
import { SdpError } from './errors.js';
import { audioCodecFor, eventFormatFor, formatLabel, preferredCodecs } from './formats.js';
import type { SdpFormat, SdpMediaSection } from './model.js';
import { chooseCrypto, isSdesProfile, type CryptoChoice, type SrtpPolicy } from './crypto.js';

export const RTP_AVP = 'RTP/AVP';

/** What each transport protocol means to us; absent means unsupported. */
const PROFILE_VERDICT: Readonly<Record<string, 'plain' | 'sdes' | 'dtls'>> = {
  'RTP/AVP': 'plain',
  'RTP/SAVP': 'sdes',
  'RTP/SAVPF': 'sdes',
  'UDP/TLS/RTP/SAVP': 'dtls',
  'UDP/TLS/RTP/SAVPF': 'dtls',
};

/** Higher wins when several streams fail for different reasons. */
const FAILURE_RANK = { ERR_SDP_UNSUPPORTED: 1, ERR_SDP_SRTP_NOT_SUPPORTED: 2, ERR_SDP_SRTP_REQUIRED: 3, ERR_SDP_NO_COMMON_CODEC: 4 } as const;
type FailureCode = keyof typeof FAILURE_RANK;

export interface AudioChoice {
  /** Index of the chosen m-line in the offer. */
  readonly index: number;
  readonly section: SdpMediaSection;
  readonly codec: CodecDescriptor;
  /** The offered format of `codec` (its payload type and fmtp). */
  readonly format: SdpFormat;
  /** The offered telephone-event at the codec's clock rate, or null. */
  readonly event: SdpFormat | null;
  /** The SDES crypto line we accept (RTP/SAVP streams), null for plain RTP. */
  readonly crypto: CryptoChoice | null;
}

export function chooseAudio(media: readonly SdpMediaSection[], acceptedNames: readonly string[], srtp: SrtpPolicy = 'optional'): AudioChoice {
  const accepted = preferredCodecs(acceptedNames);
  const acceptedList = accepted.map((c) => c.name).join(', ') || 'none';
  const audio = media.map((section, index) => ({ section, index })).filter(({ section }) => section.type === 'audio');
  if (audio.length === 0) throw new SdpError('ERR_SDP_NO_AUDIO', 'no audio stream offered');
  const active = audio.filter(({ section }) => section.port !== 0);
  if (active.length === 0) throw new SdpError('ERR_SDP_NO_AUDIO', 'every audio stream is disabled (port 0)');

  let failure: Failure | null = null;

  const transports = srtp === 'off' ? RTP_AVP : srtp === 'mandatory' ? 'RTP/SAVP' : `${RTP_AVP} and RTP/SAVP`;
  for (const { section, index } of active) {
    const verdict = PROFILE_VERDICT[section.protocol.toUpperCase()];
    let crypto: CryptoChoice | null = null;
    if (verdict === 'dtls') {
      failure = worse(failure, 'ERR_SDP_SRTP_NOT_SUPPORTED', `DTLS-SRTP not supported: offered ${section.protocol}; we accept ${transports} (SDES)`);
      continue;
    }
    if (verdict === 'sdes') {
      if (srtp === 'off') {
        failure = worse(failure, 'ERR_SDP_SRTP_NOT_SUPPORTED', `SRTP is disabled here (srtp.policy=off): offered ${section.protocol}; we accept ${RTP_AVP}`);
        continue;
      }
      const chosen = isSdesProfile(section.protocol) ? chooseCrypto(section) : 'not SDES';
      if (typeof chosen === 'string') {
        failure = worse(failure, 'ERR_SDP_SRTP_NOT_SUPPORTED', `unusable SRTP offer: ${chosen}`);
        continue;
      }
      crypto = chosen;
    } else if (verdict === 'plain') {
      if (srtp === 'mandatory') {
        failure = worse(failure, 'ERR_SDP_SRTP_REQUIRED', `SRTP is required here (srtp.policy=mandatory): offered ${section.protocol}; we accept RTP/SAVP with a=crypto`);
        continue;
      }
    } else {
      failure = worse(failure, 'ERR_SDP_UNSUPPORTED', `unsupported transport ${section.protocol}; we accept ${transports}`);
      continue;
    }
    const picked = pickByPreference(section.formats, accepted);
    if (!picked) {
      const offered = offeredLabels(section.formats);
      failure = worse(failure, 'ERR_SDP_NO_COMMON_CODEC', `no common codec: offered ${offered}; we accept ${acceptedList}`);
      continue;
    }
    const event = eventFormatFor(section.formats, picked.codec.clockRate) ?? null;
    return { index, section, codec: picked.codec, format: picked.format, event, crypto };
  }
  const { code, message } = failure ?? { code: 'ERR_SDP_UNSUPPORTED', message: 'no usable audio stream' };
  throw new SdpError(code, message);
}

interface Failure {
  readonly code: FailureCode;
  readonly message: string;
}

/** Keeps the more specific of two failures; the earlier stream wins a tie. */
function worse(current: Failure | null, code: FailureCode, message: string): Failure {
  return current !== null && FAILURE_RANK[current.code] >= FAILURE_RANK[code] ? current : { code, message };
}

function pickByPreference(
  formats: readonly SdpFormat[],
  accepted: readonly CodecDescriptor[],
): { codec: CodecDescriptor; format: SdpFormat } | null {
  for (const codec of accepted) {
    const format = formats.find((f) => audioCodecFor(f) === codec);
    if (format) return { codec, format };
  }
  return null;
}

/** Offered audio formats for a 488 reason, event codecs left out, names de-duplicated. */
function offeredLabels(formats: readonly SdpFormat[]): string {
  const labels: string[] = [];
  for (const format of formats) {
    if (eventFormatFor([format], format.clockRate)) continue;
    const label = formatLabel(format);
    if (!labels.includes(label)) labels.push(label);
  }
  return labels.join(', ') || 'nothing but events';
}
