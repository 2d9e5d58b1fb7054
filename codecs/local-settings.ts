/**
 * The operator's codec settings (config `codecs`, minus the preference list),
 * as the codecs see them. Declared here, not imported from config/, so codecs/
 * depends on nothing of ours; `Config['codecs']` fits this shape as it is, and
 * a test keeps the config schema's defaults equal to the ones below.
 */

export interface OpusLocalSettings {
  /** Encoder target bitrate in bit/s (6000..510000); also the maxaveragebitrate we declare. */
  readonly bitrate: number;
  /** Encoder complexity, 0 (cheapest) .. 10 (best). */
  readonly complexity: number;
  /** In-band FEC: declared (useinbandfec=1) and sent to far ends that declare it. */
  readonly fec: boolean;
  /** DTX: declared (usedtx=1) and used towards far ends that declare it. */
  readonly dtx: boolean;
}

export interface LocalCodecSettings {
  readonly opus: OpusLocalSettings;
}

/** WebRTC's default for mono voice; complexity 5 is where the 1.5× native target is measured. */
export const OPUS_LOCAL_DEFAULTS: OpusLocalSettings = Object.freeze({ bitrate: 32000, complexity: 5, fec: true, dtx: false });

export const DEFAULT_LOCAL_CODEC_SETTINGS: LocalCodecSettings = Object.freeze({ opus: OPUS_LOCAL_DEFAULTS });
