/**
 * SDES key exchange (RFC 4568) on RTP/SAVP streams: read the offer's
 * a=crypto lines, pick the first suite we support whose key we can use, and
 * write our own a=crypto with a fresh key under the same tag. Keys never
 * appear in logs or errors.
 */
import { randomBytes } from 'node:crypto';
import type { SrtpParams, SrtpSuite } from '../../media/protocol.js';
import type { SdpCrypto, SdpMediaSection } from './model.js';

/** What we do with SRTP (config `srtp.policy`). */
export type SrtpPolicy = 'optional' | 'mandatory' | 'off';

export const SAVP = 'RTP/SAVP';
/** Suites in our order of preference. */
export const SUPPORTED_SUITES: readonly SrtpSuite[] = ['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32'];
const KEY_SALT_BYTES = 30;
const INLINE = /^inline:([A-Za-z0-9+/]+={0,2})(\|[^|]*)*$/;
/** A lifetime (|2^31 or |1048576) is allowed; an MKI (|1:4) is not: we send no MKI field. */
const MKI = /\|\d+:\d+$/;

export interface CryptoChoice {
  readonly tag: number;
  readonly suite: SrtpSuite;
  /** The far end's key‖salt, base64. */
  readonly remoteKey: string;
}

/** Whether an SDP transport is SDES-SRTP (as opposed to plain RTP or DTLS-SRTP). */
export function isSdesProfile(protocol: string): boolean {
  const upper = protocol.toUpperCase();
  return upper === 'RTP/SAVP' || upper === 'RTP/SAVPF';
}

/** The first usable a=crypto of `section`, or the reason none is. */
export function chooseCrypto(section: SdpMediaSection): CryptoChoice | string {
  if (section.crypto.length === 0) return 'no a=crypto line';
  const reasons: string[] = [];
  for (const suite of SUPPORTED_SUITES) {
    for (const line of section.crypto) {
      if (line.suite !== suite) continue;
      const key = usableKey(line.keyParams);
      if (typeof key === 'string') return { tag: line.tag, suite, remoteKey: key };
      reasons.push(key.reason);
    }
  }
  if (reasons.length > 0) return reasons[0] ?? 'no usable key';
  return `no supported crypto suite: offered ${section.crypto.map((c) => c.suite).join(', ')}; we accept ${SUPPORTED_SUITES.join(', ')}`;
}

function usableKey(keyParams: string): string | { reason: string } {
  const first = keyParams.split(';')[0] ?? '';
  if (keyParams.includes(';')) return { reason: 'several keys in one a=crypto line are not supported' };
  const match = INLINE.exec(first);
  if (!match) return { reason: 'a=crypto key is not inline:<base64>' };
  if (MKI.test(first)) return { reason: 'a=crypto with an MKI is not supported' };
  const base64 = match[1] ?? '';
  if (Buffer.from(base64, 'base64').length !== KEY_SALT_BYTES) return { reason: `a=crypto key must be ${KEY_SALT_BYTES} bytes` };
  return base64;
}

/** A fresh master key‖salt, base64. */
export function newMasterKey(): string {
  return randomBytes(KEY_SALT_BYTES).toString('base64');
}

export function cryptoAttribute(tag: number, suite: SrtpSuite, key: string): string {
  return `crypto:${tag} ${suite} inline:${key}`;
}

export function srtpParams(suite: SrtpSuite, localKey: string, remoteKey: string): SrtpParams {
  return { suite, localKey, remoteKey };
}

/** Parses sdp-transform's crypto list into ours; malformed entries are kept with an empty key (and refused later). */
export function toSdpCrypto(list: readonly { id?: unknown; suite?: unknown; config?: unknown }[] | undefined): SdpCrypto[] {
  if (!list) return [];
  return list.map((entry) => ({
    tag: typeof entry.id === 'number' ? entry.id : Number(entry.id),
    suite: typeof entry.suite === 'string' ? entry.suite : '',
    keyParams: typeof entry.config === 'string' ? entry.config : '',
  }));
}
