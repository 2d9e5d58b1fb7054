/**
 * The G.722 quadrature mirror filters (ITU-T G.722 §3.1 transmit, §4.4
 * receive): a 24-tap QMF pair that splits 16 kHz audio into a lower and a
 * higher sub-band at 8 kHz each, and merges them back.
 *
 * The 24-sample delay line lives in a longer buffer written forward, so a
 * pair of samples costs no shifting; when the buffer is full the newest 22
 * samples move back to its start.
 */
import { QMF_COEFFS } from './g722-tables.js';

const TAPS = 24;
const BUFFER = TAPS + 512;

function clip16(x: number): number {
  return x > 32767 ? 32767 : x < -32768 ? -32768 : x;
}

export class G722Qmf {
  /** Outputs of `analyse`: lower and higher sub-band samples. */
  low = 0;
  high = 0;
  /** Outputs of `synthesise`: two consecutive 16 kHz samples. */
  first = 0;
  second = 0;
  private readonly x = new Int32Array(BUFFER);
  /** Index one past the newest sample. */
  private end = TAPS;
  /** Filter sums over the window: x[2i]·h[i] (even taps) and x[2i+1]·h[11-i] (odd taps). */
  private even = 0;
  private odd = 0;

  /** Transmit QMF: two input samples in, `low` and `high` out. */
  analyse(first: number, second: number): void {
    this.filter(first, second);
    this.low = (this.odd + this.even) >> 14;
    this.high = (this.odd - this.even) >> 14;
  }

  /** Receive QMF: reconstructed sub-band samples in, `first` and `second` out. */
  synthesise(rlow: number, rhigh: number): void {
    this.filter(rlow + rhigh, rlow - rhigh);
    // The QMF's DC gain is 4096 (12 bits); one bit less for the 15-bit sub-band signals.
    this.first = clip16(this.odd >> 11);
    this.second = clip16(this.even >> 11);
  }

  private filter(a: number, b: number): void {
    const x = this.x;
    if (this.end + 2 > BUFFER) {
      x.copyWithin(0, this.end - (TAPS - 2), this.end);
      this.end = TAPS - 2;
    }
    x[this.end] = a;
    x[this.end + 1] = b;
    this.end += 2;
    const c = QMF_COEFFS;
    const base = this.end - TAPS;
    let even = 0;
    let odd = 0;
    for (let i = 0; i < 12; i++) {
      even += (x[base + 2 * i] as number) * (c[i] as number);
      odd += (x[base + 2 * i + 1] as number) * (c[11 - i] as number);
    }
    this.even = even;
    this.odd = odd;
  }
}
