/**
 * Which frames came back: one bit per (stream, tick), set when the frame
 * marked with that tick returns on that stream. Bits, not bytes: 1000
 * streams × 10 minutes of 20 ms ticks is 3.75 MB.
 */
export class EchoLedger {
  readonly #words: Uint32Array;
  readonly #wordsPerStream: number;
  readonly maxTicks: number;

  constructor(streams: number, maxTicks: number) {
    this.maxTicks = maxTicks;
    this.#wordsPerStream = Math.ceil(maxTicks / 32);
    this.#words = new Uint32Array(streams * this.#wordsPerStream);
  }

  /** Records that `tick` came back on `stream`; false if it had already (a repeated frame) or is out of range. */
  record(stream: number, tick: number): boolean {
    if (tick < 0 || tick >= this.maxTicks) return false;
    const at = stream * this.#wordsPerStream + (tick >>> 5);
    const bit = 1 << (tick & 31);
    const word = this.#words[at] ?? 0;
    if ((word & bit) !== 0) return false;
    this.#words[at] = word | bit;
    return true;
  }

  has(stream: number, tick: number): boolean {
    if (tick < 0 || tick >= this.maxTicks) return false;
    return ((this.#words[stream * this.#wordsPerStream + (tick >>> 5)] ?? 0) & (1 << (tick & 31))) !== 0;
  }
}
