/**
 * G.722 64 kbit/s decoder (ITU-T G.722 §4): per octet, the 6-bit lower band
 * (INVQBL for the output, its 4-bit truncation through INVQAL for the
 * predictor) and the 2-bit higher band, then the receive QMF: two 16 kHz
 * samples per octet.
 */
import type { AudioDecoder } from './codec.js';
import { G722Band } from './g722-band.js';
import { G722_LOWER_DET0, G722_UPPER_DET0 } from './g722-encoder.js';
import { G722Qmf } from './g722-qmf.js';
import { QM2, QM4, QM6 } from './g722-tables.js';

/** LIMIT (blocks 6L/6H): reconstructed sub-band signals are 15-bit. */
function limit15(x: number): number {
  return x > 16383 ? 16383 : x < -16384 ? -16384 : x;
}

export class G722Decoder implements AudioDecoder {
  private readonly qmf = new G722Qmf();
  private readonly lower = new G722Band(G722_LOWER_DET0);
  private readonly upper = new G722Band(G722_UPPER_DET0);

  /** Decodes `payload` into `out` (16 kHz); returns samples written (two per octet). */
  decode(payload: Uint8Array, out: Int16Array): number {
    const octets = Math.min(payload.length, out.length >> 1);
    const qmf = this.qmf;
    const lower = this.lower;
    const upper = this.upper;
    for (let j = 0; j < octets; j++) {
      const code = payload[j] as number;
      const il = code & 0x3f;
      const ih = code >> 6;

      // Lower band: output from the 6-bit code, predictor from its 4-bit truncation.
      const rl = limit15(lower.s + ((lower.det * (QM6[il] as number)) >> 15));
      const il4 = il >> 2;
      const dlt = (lower.det * (QM4[il4] as number)) >> 15;
      lower.adaptLower(il4);
      lower.predict(dlt);

      // Higher band.
      const dh = (upper.det * (QM2[ih] as number)) >> 15;
      const rh = limit15(upper.s + dh);
      upper.adaptUpper(ih);
      upper.predict(dh);

      qmf.synthesise(rl, rh);
      out[2 * j] = qmf.first;
      out[2 * j + 1] = qmf.second;
    }
    return octets * 2;
  }
}
