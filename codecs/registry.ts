/** Every codec we implement, looked up by SDP encoding name. */
import type { CodecDescriptor } from './codec.js';
import { g722 } from './g722.js';
import type { LocalCodecSettings } from './local-settings.js';
import { l16 } from './l16.js';
import { opus } from './opus.js';
import { pcma } from './pcma.js';
import { pcmu } from './pcmu.js';
import { telephoneEvent } from './telephone-event.js';

/** Audio codecs (kind 'audio'); negotiation orders them by config, not by this list. */
export const audioCodecs: readonly CodecDescriptor[] = Object.freeze([opus, g722, pcmu, pcma, l16]);

const byName = new Map<string, CodecDescriptor>(
  [...audioCodecs, telephoneEvent].map((codec) => [codec.name.toLowerCase(), codec]),
);

/** Finds an audio or event codec by SDP encoding name, case-insensitively. */
export function findCodec(name: string): CodecDescriptor | undefined {
  return byName.get(name.toLowerCase());
}

/**
 * The fmtp we declare for each codec whose fmtp the operator's settings
 * shape (config `codecs`), keyed by SDP name: what server/sdp takes as
 * `SdpPolicy.fmtp`. Codecs not listed declare their `defaultFmtp`.
 */
export function sdpFmtpFromConfig(settings: LocalCodecSettings): Readonly<Record<string, Readonly<Record<string, string>>>> {
  const fmtp: Record<string, Readonly<Record<string, string>>> = {};
  for (const codec of audioCodecs) {
    const declared = codec.localFmtp?.(settings);
    if (declared !== undefined) fmtp[codec.name] = declared;
  }
  return fmtp;
}
