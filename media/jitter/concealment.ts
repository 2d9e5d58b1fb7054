/**
 * How the jitter buffer fills a hole in the timeline: the next packet's
 * in-band FEC when it has it (Opus), else the codec's own PLC, else the
 * generic concealer (dsp PacketLossConcealer), whose end is cross-faded into
 * the returning audio (`resume`, the G.711 Appendix I merge). Counts what it
 * concealed.
 */
import type { AudioDecoder } from '../../codecs/codec.js';
import { PacketLossConcealer } from '../../dsp/index.js';

export class Concealment {
  readonly #decoder: AudioDecoder;
  readonly #plc: PacketLossConcealer;
  /** Samples filled by concealment (FEC-rebuilt included). */
  concealedSamples = 0;
  fecSamples = 0;

  constructor(decoder: AudioDecoder, sampleRate: number) {
    this.#decoder = decoder;
    this.#plc = new PacketLossConcealer({ sampleRate });
  }

  /** True when the codec can rebuild a hole from the packet after it. */
  get hasFec(): boolean {
    return this.#decoder.decodeFec !== undefined;
  }

  /** Silence in `out[at .. at+count)`; `observe`: silence the sender meant (it ends a loss for the concealer). */
  silence(out: Int16Array, at: number, count: number, observe: boolean): void {
    out.fill(0, at, at + count);
    if (observe) this.#plc.observe(out, at, count);
  }

  /** Conceals `out[at .. at+count)`; `fecFrom`: the packet right after the hole, when its FEC covers the hole's end. */
  conceal(out: Int16Array, at: number, count: number, fecFrom: Uint8Array | null): void {
    const decoder = this.#decoder;
    if (fecFrom !== null && decoder.decodeFec !== undefined) {
      const written = decoder.decodeFec(fecFrom, out.subarray(at, at + count), count);
      if (written < count) out.fill(0, at + Math.max(0, written), at + count);
      this.fecSamples += count;
      this.#plc.observe(out, at, count);
    } else if (decoder.conceal !== undefined) {
      const written = decoder.conceal(out.subarray(at, at + count), count);
      if (written < count) out.fill(0, at + Math.max(0, written), at + count);
    } else {
      this.#plc.conceal(out, at, count);
    }
    this.concealedSamples += count;
  }

  /** Decoded audio was written at `out[at .. at+count)`: merge it in after generic concealment, else remember it. */
  resume(out: Int16Array, at: number, count: number): void {
    this.#plc.resume(out, at, count);
  }

  reset(): void {
    this.#plc.reset();
  }
}
