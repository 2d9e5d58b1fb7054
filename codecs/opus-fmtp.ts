/**
 * Opus fmtp (RFC 7587 §6.1) to encoder settings. The far end's parameters
 * say what it wants to RECEIVE, so they shape our encoder: maxaveragebitrate
 * caps the bitrate, maxplaybackrate the audio bandwidth, useinbandfec and
 * usedtx switch FEC and DTX on, cbr asks for constant bitrate. Missing
 * parameters take the RFC defaults (no FEC, no DTX, VBR, 48 kHz playback).
 */
import type { FmtpNegotiation } from './codec.js';
import type { OpusEncoderSettings } from './opus-encoder.js';
import {
  OPUS_BANDWIDTH_FULLBAND,
  OPUS_BANDWIDTH_MEDIUMBAND,
  OPUS_BANDWIDTH_NARROWBAND,
  OPUS_BANDWIDTH_SUPERWIDEBAND,
  OPUS_BANDWIDTH_WIDEBAND,
} from './opus-packet.js';

/** Our encoder's bitrate when the far end sets no lower maxaveragebitrate (WebRTC's default for mono voice). */
export const OPUS_DEFAULT_BITRATE = 32000;
/** The cost/quality point the benchmarks and the 1.5× native target are measured at. */
export const OPUS_DEFAULT_COMPLEXITY = 5;
/** The loss rate the encoder plans its LBRR (FEC) for when the far end asks for FEC. */
export const OPUS_FEC_LOSS_PERCENT = 10;
/** RFC 7587 §6.1 bounds of maxaveragebitrate. */
const MIN_BITRATE = 6000;
const MAX_BITRATE = 510000;

/** The fmtp parameters our encoder honours, copied from the far end's declaration. */
const SEND_KEYS = ['maxaveragebitrate', 'maxplaybackrate', 'useinbandfec', 'usedtx', 'cbr', 'stereo'] as const;

/** What we declare: we decode FEC, take any bandwidth, receive mono; minptime as WebRTC and most phones write it. */
export const OPUS_DEFAULT_FMTP: Readonly<Record<string, string>> = Object.freeze({
  minptime: '10',
  useinbandfec: '1',
  maxplaybackrate: '48000',
  'sprop-maxcapturerate': '48000',
  stereo: '0',
  'sprop-stereo': '0',
});

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

/** Encoder settings for PCM at `sampleRate` from the `send` fmtp (unknown or malformed values are ignored). */
export function opusEncoderSettings(fmtp: Readonly<Record<string, string>>, sampleRate: number): OpusEncoderSettings {
  const cap = positiveInt(fmtp['maxaveragebitrate']);
  const bitrate = cap === null ? OPUS_DEFAULT_BITRATE : Math.min(OPUS_DEFAULT_BITRATE, Math.max(MIN_BITRATE, Math.min(MAX_BITRATE, cap)));
  const fec = fmtp['useinbandfec'] === '1';
  return {
    sampleRate,
    bitrate,
    complexity: OPUS_DEFAULT_COMPLEXITY,
    dtx: fmtp['usedtx'] === '1',
    fec,
    packetLossPercent: fec ? OPUS_FEC_LOSS_PERCENT : 0,
    cbr: fmtp['cbr'] === '1',
    maxBandwidth: bandwidthFor(positiveInt(fmtp['maxplaybackrate']) ?? 48000),
  };
}
