import type { SrtpPolicy } from './crypto.js';

/** What the server accepts in SDP negotiation (from config). */
export interface SdpPolicy {
  /** Audio codec names, most preferred first (config `codecs.preference`). */
  readonly codecs: readonly string[];
  /** Packet time (ms) when the remote asks for none or one the codec cannot do; 20 if unset. */
  readonly ptimeDefault?: number;
  /**
   * fmtp we declare per codec (by SDP name), replacing the descriptor's
   * default, e.g. `{ opus: { maxaveragebitrate: '24000', useinbandfec: '1' } }`.
   */
  readonly fmtp?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** SDES-SRTP (config `srtp.policy`): optional (default), mandatory or off. */
  readonly srtp?: SrtpPolicy;
}
