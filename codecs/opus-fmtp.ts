/**
 * Opus fmtp (RFC 7587 §6.1) both ways, with the operator's settings (config
 * `codecs.opus`: bitrate, complexity, fec, dtx) in between.
 *
 * What we declare says what WE want to receive: useinbandfec=1 when FEC is
 * on, usedtx=1 when DTX is on, and maxaveragebitrate = our own bitrate, so
 * both directions of a call use about the same bandwidth.
 *
 * The far end's parameters say what IT wants to receive, so they cap our
 * encoder (RFC 7587 §7): maxaveragebitrate caps the configured bitrate,
 * maxplaybackrate the audio bandwidth; FEC and DTX are used only when both
 * the configuration allows them and the far end asks for them (useinbandfec=1,
 * usedtx=1); cbr=1 asks for constant bitrate. Missing parameters take the RFC
 * defaults (no FEC, no DTX, VBR, 48 kHz playback).
 */
import type { FmtpNegotiation } from './codec.js';
import { OPUS_LOCAL_DEFAULTS, type LocalCodecSettings, type OpusLocalSettings } from './local-settings.js';
import type { OpusEncoderSettings } from './opus-encoder.js';
import {
  OPUS_BANDWIDTH_FULLBAND,
  OPUS_BANDWIDTH_MEDIUMBAND,
  OPUS_BANDWIDTH_NARROWBAND,
  OPUS_BANDWIDTH_SUPERWIDEBAND,
  OPUS_BANDWIDTH_WIDEBAND,
} from './opus-packet.js';

/** Our encoder's bitrate by default, when the far end sets no lower maxaveragebitrate (WebRTC's default for mono voice). */
export const OPUS_DEFAULT_BITRATE = OPUS_LOCAL_DEFAULTS.bitrate;
/** The cost/quality point the benchmarks and the 1.5× native target are measured at. */
export const OPUS_DEFAULT_COMPLEXITY = OPUS_LOCAL_DEFAULTS.complexity;
/** The loss rate the encoder plans its LBRR (FEC) for when the far end asks for FEC. */
export const OPUS_FEC_LOSS_PERCENT = 10;
/** RFC 7587 §6.1 bounds of maxaveragebitrate. */
const MIN_BITRATE = 6000;
const MAX_BITRATE = 510000;

/** The fmtp parameters our encoder honours, copied from the far end's declaration. */
const SEND_KEYS = ['maxaveragebitrate', 'maxplaybackrate', 'useinbandfec', 'usedtx', 'cbr', 'stereo'] as const;

/**
 * What we declare without settings (`SdpPolicy.fmtp` unset): we decode FEC,
 * take any bandwidth, receive mono; minptime as WebRTC and most phones write it.
 */
export const OPUS_DEFAULT_FMTP: Readonly<Record<string, string>> = Object.freeze({
  minptime: '10',
  useinbandfec: '1',
  maxplaybackrate: '48000',
  'sprop-maxcapturerate': '48000',
  stereo: '0',
  'sprop-stereo': '0',
});

/** What we declare given the operator's settings: the defaults, with FEC, DTX and our bitrate as configured. */
export function opusLocalFmtp(settings: LocalCodecSettings): Readonly<Record<string, string>> {
  const { fec, dtx, bitrate } = settings.opus;
  const fmtp: Record<string, string> = { ...OPUS_DEFAULT_FMTP };
  // Both default to 0 (RFC 7587 §6.1): say nothing rather than "=0".
  if (fec) fmtp['useinbandfec'] = '1';
  else delete fmtp['useinbandfec'];
  if (dtx) fmtp['usedtx'] = '1';
  fmtp['maxaveragebitrate'] = String(bitrate);
  return fmtp;
}

export function negotiateOpusFmtp(local: Readonly<Record<string, string>>, remote: Readonly<Record<string, string>> | null): FmtpNegotiation {
  const send: Record<string, string> = {};
  for (const key of SEND_KEYS) {
    const value = remote?.[key];
    if (value !== undefined) send[key] = value;
  }
  return { local, send };
}

/** The narrowest Opus bandwidth that carries everything below half of `rate` (maxplaybackrate). */
function bandwidthFor(rate: number): number {
  if (rate <= 8000) return OPUS_BANDWIDTH_NARROWBAND;
  if (rate <= 12000) return OPUS_BANDWIDTH_MEDIUMBAND;
  if (rate <= 16000) return OPUS_BANDWIDTH_WIDEBAND;
  if (rate <= 24000) return OPUS_BANDWIDTH_SUPERWIDEBAND;
  return OPUS_BANDWIDTH_FULLBAND;
}

function positiveInt(text: string | undefined): number | null {
  if (text === undefined || !/^\d+$/.test(text.trim())) return null;
  const n = Number(text);
  return n > 0 ? n : null;
}

/**
 * Encoder settings for PCM at `sampleRate`: the operator's `local` settings
 * capped by the far end's `send` fmtp (unknown or malformed values are ignored).
 */
export function opusEncoderSettings(
  fmtp: Readonly<Record<string, string>>,
  sampleRate: number,
  local: OpusLocalSettings = OPUS_LOCAL_DEFAULTS,
): OpusEncoderSettings {
  const cap = positiveInt(fmtp['maxaveragebitrate']) ?? MAX_BITRATE;
  const bitrate = Math.max(MIN_BITRATE, Math.min(MAX_BITRATE, local.bitrate, cap));
  const fec = local.fec && fmtp['useinbandfec'] === '1';
  return {
    sampleRate,
    bitrate,
    complexity: Math.max(0, Math.min(10, Math.round(local.complexity))),
    dtx: local.dtx && fmtp['usedtx'] === '1',
    fec,
    packetLossPercent: fec ? OPUS_FEC_LOSS_PERCENT : 0,
    cbr: fmtp['cbr'] === '1',
    maxBandwidth: bandwidthFor(positiveInt(fmtp['maxplaybackrate']) ?? 48000),
  };
}
