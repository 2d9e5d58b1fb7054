/**
 * A MOS estimate from the ITU-T G.107 E-model (06/2015), as a pure function:
 * R = Ro − Is − Id − Ie,eff + A with every planning parameter at its G.107
 * default (Table 3) except the ones a media server measures: one-way delay
 * (Id) and packet loss with its burstiness (Ie,eff). Wideband codecs use the
 * G.107.1 scale (Ro,WB = 129) and are brought back to the narrowband MOS
 * scale through R/1.29 so one number compares a G.711 and a G.722 call.
 * Sources and the codec values are listed in docs/media.md.
 */

/** Ro − Is with G.107 defaults (No = −61.18 dBm0p gives Ro = 94.77; Is = 1.41). */
const RO_MINUS_IS_NB = 94.77 - 1.41;
/** Ro from the defaults, used by the listener-echo term. */
const RO_NB = 94.77;
/** G.107.1 §7: the wideband R scale tops out at 129. */
const RO_WB = 129;
/** R_WB / 1.29 maps the wideband scale onto the narrowband MOS curve. */
const WB_TO_NB = 1.29;
/** G.107 defaults: talker echo loudness rating, weighted echo path loss (dB). */
const TELR_DB = 65;
const WEPL_DB = 110;

export type EModelBand = 'narrowband' | 'wideband';

/** How a codec degrades speech: its equipment impairment and packet-loss robustness. */
export interface CodecImpairment {
  readonly band: EModelBand;
  /** Ie (narrowband, G.113 Table I.1) or Ie,WB (wideband, G.113 Amd. 1): impairment without loss. */
  readonly ie: number;
  /** Bpl: robustness to random loss (higher = better concealment). */
  readonly bpl: number;
}

/**
 * Codec values by SDP name (lower case). Every codec here is concealed by
 * codec PLC or our G.711 Appendix I concealer, so the "with PLC" Bpl applies.
 */
const IMPAIRMENTS: Readonly<Record<string, CodecImpairment>> = {
  // G.113 Appendix I Table I.3: G.711 with PLC (Appendix I), random loss.
  pcmu: { band: 'narrowband', ie: 0, bpl: 25.1 },
  pcma: { band: 'narrowband', ie: 0, bpl: 25.1 },
  // G.113 Amd. 1 Table I.4: G.722 at 64 kbit/s Ie,WB = 13; Bpl for G.722 with PLC from
  // published wideband loss studies (Raake/Möller, ~10–15); mid value.
  g722: { band: 'wideband', ie: 13, bpl: 12 },
  // Opus is not in G.113; published listening-test fits for wideband Opus at 16–32 kbit/s
  // give Ie,WB around 8–15 with strong PLC (Bpl ~20 and above). Approximate.
  opus: { band: 'wideband', ie: 11, bpl: 20 },
  // Linear PCM: transparent within its band; our concealer as for G.711.
  l16: { band: 'wideband', ie: 0, bpl: 25.1 },
};

/** A codec we have no published values for is rated like G.711 (and says so in docs). */
const FALLBACK: CodecImpairment = { band: 'narrowband', ie: 0, bpl: 25.1 };

export function codecImpairment(codecName: string): CodecImpairment {
  return IMPAIRMENTS[codecName.toLowerCase()] ?? FALLBACK;
}

export interface EModelInput {
  readonly codec: CodecImpairment;
  /** Mouth-to-ear one-way delay (ms): network + jitter buffer + packetization. */
  readonly oneWayDelayMs: number;
  /** Packets lost to playout (network loss and packets too late for the buffer), percent 0..100. */
  readonly lossPercent: number;
  /** G.107 BurstR: 1 for random loss, above 1 for bursty loss. */
  readonly burstRatio: number;
}

export interface EModelResult {
  /** Rating factor on the narrowband scale (0..100). */
  readonly r: number;
  readonly mos: number;
  readonly ieEff: number;
  readonly id: number;
}

/** G.107 §7.4, delay impairment Id = Idte + Idle + Idd with default echo parameters (T = Ta, Tr = 2T). */
export function delayImpairment(oneWayDelayMs: number): number {
  const t = Math.max(0, oneWayDelayMs);
  // Talker echo (eq. 7-21..7-23): TERV from TELR and T, Re from TERV.
  const terv = TELR_DB - 40 * Math.log10((1 + t / 10) / (1 + t / 150)) + 6 * Math.exp(-0.3 * t * t);
  const re = 80 + 2.5 * (terv - 14);
  const roe = RO_NB;
  const idte = ((roe - re) / 2 + Math.sqrt(((roe - re) * (roe - re)) / 4 + 100) - 1) * (1 - Math.exp(-t));
  // Listener echo (eq. 7-26, 7-27), Tr = 2T.
  const rle = 10.5 * (WEPL_DB + 7) * Math.pow(2 * t + 1, -0.25);
  const idle = (RO_NB - rle) / 2 + Math.sqrt(((RO_NB - rle) * (RO_NB - rle)) / 4 + 169);
  // Absolute delay (eq. 7-28, 7-29, mT = 100 ms, sT = 1).
  let idd = 0;
  if (t > 100) {
    const x = Math.log10(t / 100) / Math.log10(2);
    idd = 25 * (Math.pow(1 + Math.pow(x, 6), 1 / 6) - 3 * Math.pow(1 + Math.pow(x / 3, 6), 1 / 6) + 2);
  }
  return idte + idle + idd;
}

/** G.107 eq. 7-30 (and G.107.1's wideband form): Ie,eff = Ie + (95 − Ie)·Ppl / (Ppl/BurstR + Bpl). */
export function effectiveEquipmentImpairment(codec: CodecImpairment, lossPercent: number, burstRatio: number): number {
  const ppl = Math.min(100, Math.max(0, lossPercent));
  const burst = Math.max(1, burstRatio);
  return codec.ie + ((95 - codec.ie) * ppl) / (ppl / burst + codec.bpl);
}

/** G.107 Annex B: MOS_CQE from R. */
export function mosFromR(r: number): number {
  if (r <= 0) return 1;
  if (r >= 100) return 4.5;
  return 1 + 0.035 * r + r * (r - 60) * (100 - r) * 7e-6;
}

export function eModel(input: EModelInput): EModelResult {
  const id = delayImpairment(input.oneWayDelayMs);
  const ieEff = effectiveEquipmentImpairment(input.codec, input.lossPercent, input.burstRatio);
  const r =
    input.codec.band === 'wideband'
      ? (RO_WB - (RO_NB - RO_MINUS_IS_NB) - id - ieEff) / WB_TO_NB
      : RO_MINUS_IS_NB - id - ieEff;
  return { r, mos: mosFromR(r), ieEff, id };
}

/**
 * G.107 eq. 7-31 BurstR = 1/(p + q) for a two-state (Gilbert) loss model,
 * p = P(loss | previous received), q = P(received | previous lost),
 * estimated from counted loss bursts: each burst is one received→lost and
 * one lost→received transition.
 */
export function burstRatio(received: number, lost: number, bursts: number): number {
  if (lost <= 0 || bursts <= 0 || received <= 0) return 1;
  const p = Math.min(1, bursts / received);
  const q = Math.min(1, bursts / lost);
  return Math.max(1, 1 / (p + q));
}
