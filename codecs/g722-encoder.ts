/**
 * G.722 64 kbit/s encoder (ITU-T G.722 §3): transmit QMF, then a 6-bit
 * ADPCM lower band and a 2-bit ADPCM higher band per pair of 16 kHz input
 * samples; one octet per pair, higher-band bits on top (IH << 6 | IL).
 */
import type { AudioEncoder } from './codec.js';
import { G722Band, sat16 } from './g722-band.js';
import { G722Qmf } from './g722-qmf.js';
import { IHN, IHP, ILN, ILP, Q6, QM2, QM4 } from './g722-tables.js';

/** Initial DETL and DETH (§3.6.1 / §6.2 reset state). */
export const G722_LOWER_DET0 = 32;
export const G722_UPPER_DET0 = 8;

export class G722Encoder implements AudioEncoder {
  private readonly qmf = new G722Qmf();
  private readonly lower = new G722Band(G722_LOWER_DET0);
  private readonly upper = new G722Band(G722_UPPER_DET0);

  /** Encodes pairs of samples from `pcm` (16 kHz); returns bytes written (one per pair). */
  encode(pcm: Int16Array, out: Uint8Array): number {
    const pairs = Math.min(pcm.length >> 1, out.length);
    const qmf = this.qmf;
    for (let j = 0; j < pairs; j++) {
      qmf.analyse(pcm[2 * j] as number, pcm[2 * j + 1] as number);
      const ilow = this.encodeLower(qmf.low);
      const ihigh = this.encodeUpper(qmf.high);
      out[j] = (ihigh << 6) | ilow;
    }
    return pairs;
  }

  /** Blocks 1L (SUBTRA, QUANTL), 2L (INVQAL), 3L and 4 for one lower-band sample. */
  private encodeLower(xl: number): number {
    const band = this.lower;
    const el = sat16(xl - band.s);
    const wd = el >= 0 ? el : -(el + 1);
    const det = band.det;
    // QUANTL: the first decision level above |el| (levels rise with i: binary search over 1..30).
    let lo = 1;
    let hi = 30;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (wd < ((Q6[mid] as number) * det) >> 12) hi = mid;
      else lo = mid + 1;
    }
    const i = lo;
    const il = el < 0 ? (ILN[i] as number) : (ILP[i] as number);
    const il4 = il >> 2;
    const dlt = (det * (QM4[il4] as number)) >> 15;
    band.adaptLower(il4);
    band.predict(dlt);
    return il;
  }

  /** Blocks 1H (SUBTRA, QUANTH), 2H (INVQAH), 3H and 4 for one higher-band sample. */
  private encodeUpper(xh: number): number {
    const band = this.upper;
    const eh = sat16(xh - band.s);
    const wd = eh >= 0 ? eh : -(eh + 1);
    const det = band.det;
    const mih = wd >= (564 * det) >> 12 ? 2 : 1;
    const ih = eh < 0 ? (IHN[mih] as number) : (IHP[mih] as number);
    const dh = (det * (QM2[ih] as number)) >> 15;
    band.adaptUpper(ih);
    band.predict(dh);
    return ih;
  }
}
