/**
 * One G.722 sub-band's ADPCM state: the scale-factor adaptation (blocks 3L /
 * 3H: LOGSCL, SCALEL, LOGSCH, SCALEH) and the adaptive predictor (block 4:
 * RECONS, PARREC, UPPOL2, UPPOL1, UPZERO, DELAYA, FILTEP, FILTEZ, PREDIC) of
 * ITU-T G.722 §3.6 and §6. Encoder and decoder run the same state machine on
 * the same quantized values, which is what keeps them in step.
 *
 * Arithmetic follows the Recommendation's 16-bit fixed point: `sat16` where
 * it limits, arithmetic right shifts (floor) for its ">>".
 */
import { ILB, RH2, RL42, WH, WL } from './g722-tables.js';

export function sat16(x: number): number {
  return x > 32767 ? 32767 : x < -32768 ? -32768 : x;
}

/** Sign bit of a 16-bit value as the Recommendation's SGx: 0 for x >= 0, -1 otherwise. */
function sg(x: number): number {
  return x >> 15;
}

const LOWER_NB_MAX = 18432;
const UPPER_NB_MAX = 22528;

export class G722Band {
  /** Predicted signal SL/SH (for the next sample). */
  s = 0;
  /** Pole section SPL and zero section SZL of the prediction. */
  sp = 0;
  sz = 0;
  /** Log scale factor NBL/NBH and the linear scale factor DETL/DETH. */
  nb = 0;
  det: number;
  /** Reconstructed signal r1, r2 and partially reconstructed p1, p2 (delayed). */
  private r1 = 0;
  private r2 = 0;
  private p1 = 0;
  private p2 = 0;
  /** Pole predictor coefficients a1, a2. */
  private a1 = 0;
  private a2 = 0;
  /** Zero predictor: quantized differences d1..d6 and coefficients b1..b6 (index 0 unused). */
  private readonly d = new Int32Array(7);
  private readonly b = new Int32Array(7);

  constructor(initialDet: number) {
    this.det = initialDet;
  }

  /** Block 3L (LOGSCL + SCALEL) from the 4-bit lower-band code. */
  adaptLower(code4: number): void {
    let nb = ((this.nb * 127) >> 7) + (WL[RL42[code4] as number] as number);
    if (nb < 0) nb = 0;
    else if (nb > LOWER_NB_MAX) nb = LOWER_NB_MAX;
    this.nb = nb;
    this.det = scale(nb, 8);
  }

  /** Block 3H (LOGSCH + SCALEH) from the 2-bit higher-band code. */
  adaptUpper(code2: number): void {
    let nb = ((this.nb * 127) >> 7) + (WH[RH2[code2] as number] as number);
    if (nb < 0) nb = 0;
    else if (nb > UPPER_NB_MAX) nb = UPPER_NB_MAX;
    this.nb = nb;
    this.det = scale(nb, 10);
  }

  /** Block 4: updates the predictor with the quantized difference `dx` and computes the next prediction. */
  predict(dx: number): void {
    const d = this.d;
    const b = this.b;
    const r = sat16(this.s + dx); // RECONS
    const p = sat16(this.sz + dx); // PARREC
    const sg0 = sg(p);

    // UPPOL2
    const a1x4 = sat16(this.a1 * 4);
    let wd2 = sg0 === sg(this.p1) ? -a1x4 : a1x4;
    if (wd2 > 32767) wd2 = 32767;
    let a2 = (sg0 === sg(this.p2) ? 128 : -128) + (wd2 >> 7) + ((this.a2 * 32512) >> 15);
    if (a2 > 12288) a2 = 12288;
    else if (a2 < -12288) a2 = -12288;

    // UPPOL1
    let a1 = sat16((sg0 === sg(this.p1) ? 192 : -192) + ((this.a1 * 32640) >> 15));
    const limit = sat16(15360 - a2);
    if (a1 > limit) a1 = limit;
    else if (a1 < -limit) a1 = -limit;

    // UPZERO and DELAYA for the zero section (b uses the old d before the shift)
    const step = dx === 0 ? 0 : 128;
    const sgd = sg(dx);
    for (let i = 6; i > 0; i--) {
      const bi = b[i] as number;
      b[i] = sat16((sg(d[i] as number) === sgd ? step : -step) + ((bi * 32640) >> 15));
    }
    for (let i = 6; i > 1; i--) d[i] = d[i - 1] as number;
    d[1] = dx;

    // DELAYA for the pole section
    this.r2 = this.r1;
    this.r1 = r;
    this.p2 = this.p1;
    this.p1 = p;
    this.a1 = a1;
    this.a2 = a2;

    // FILTEP
    const sp = sat16(((a1 * sat16(r + r)) >> 15) + ((a2 * sat16(this.r2 + this.r2)) >> 15));
    // FILTEZ
    let sz = 0;
    for (let i = 6; i > 0; i--) {
      const di = d[i] as number;
      sz += ((b[i] as number) * sat16(di + di)) >> 15;
    }
    sz = sat16(sz);
    this.sp = sp;
    this.sz = sz;
    this.s = sat16(sp + sz); // PREDIC
  }
}

/** SCALEL/SCALEH: DET = ILB[(NB >> 6) & 31] shifted by (NB >> 11) - offset, times 4. */
function scale(nb: number, offset: number): number {
  const mantissa = ILB[(nb >> 6) & 31] as number;
  const shift = offset - (nb >> 11);
  return (shift < 0 ? mantissa << -shift : mantissa >> shift) << 2;
}
