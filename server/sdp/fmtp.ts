/**
 * Per-codec fmtp negotiation, driven by the descriptors: what we declare for
 * a codec (the configured fmtp, else the descriptor's default) and, through
 * the descriptor's `negotiateFmtp`, what our encoder must honour given the far
 * end's declaration. Codecs without it send with the far end's fmtp as is.
 */
import type { CodecDescriptor, FmtpNegotiation } from '../../codecs/index.js';
import type { SdpPolicy } from './policy.js';
import { formatFmtp } from './writer.js';

/** The fmtp we declare for `codec`: `policy.fmtp[name]` (case-insensitive name) or the descriptor's default. */
export function localFmtp(codec: CodecDescriptor, policy: SdpPolicy | undefined): Readonly<Record<string, string>> {
  const configured = policy?.fmtp?.[codec.name] ?? policy?.fmtp?.[codec.name.toLowerCase()];
  return configured ?? codec.defaultFmtp ?? {};
}

export function negotiateFmtp(
  codec: CodecDescriptor,
  local: Readonly<Record<string, string>>,
  remote: Readonly<Record<string, string>> | null,
): FmtpNegotiation {
  return codec.negotiateFmtp ? codec.negotiateFmtp(local, remote) : { local, send: remote ?? {} };
}

/** An fmtp record as the a=fmtp value, or null when it has no parameters. */
export function fmtpText(fmtp: Readonly<Record<string, string>>): string | null {
  const text = formatFmtp(fmtp);
  return text === '' ? null : text;
}
