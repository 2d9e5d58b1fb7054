/**
 * A single-producer/single-consumer ring of PCM frames in a SharedArrayBuffer,
 * synchronised with Atomics: one thread writes, one other thread reads, no
 * locks and no postMessage per frame. Each leg with a voice transform has two:
 * the input ring (media thread → voice worker) and the output ring (voice
 * worker → media thread).
 *
 * Layout (Int32 words): a header with `head` (frames written, producer-owned)
 * and `tail` (frames read, consumer-owned) on separate 64-byte lines, the
 * overrun counter and the geometry; then per slot [seq, length]; then the
 * samples (Int16, `maxSamples` per slot). Counters are int32 that wrap: all
 * comparisons use `(a − b) | 0`.
 *
 * Semantics: `write` never blocks. When the ring is full it returns false and
 * counts an overrun (the media tick must never wait on a voice worker).
 * Threads that may block (a voice worker, a test's producer) wait for room
 * with `waitWritable`; consumers wait for data with `waitReadable`. A slot's
 * samples and meta are written before `head` is published (Atomics.store is
 * sequentially consistent), so a reader never sees a half-written frame.
 */

const HEAD = 0;
const TAIL = 16;
const OVERRUNS = 32;
const SLOTS = 33;
const MAX_SAMPLES = 34;
const HEADER_WORDS = 48;
const META_WORDS = 2;

export class SpscRing {
  readonly buffer: SharedArrayBuffer;
  readonly slots: number;
  readonly maxSamples: number;
  readonly #header: Int32Array;
  readonly #meta: Int32Array;
  readonly #samples: Int16Array;

  /** Allocates a ring of `slots` frames of up to `maxSamples` samples each. */
  static create(slots: number, maxSamples: number): SpscRing {
    if (!Number.isInteger(slots) || slots < 1 || !Number.isInteger(maxSamples) || maxSamples < 1) {
      throw new RangeError(`ring needs slots ≥ 1 and maxSamples ≥ 1 (got ${slots}, ${maxSamples})`);
    }
    const bytes = (HEADER_WORDS + slots * META_WORDS) * 4 + slots * maxSamples * 2;
    const buffer = new SharedArrayBuffer(bytes);
    const header = new Int32Array(buffer, 0, HEADER_WORDS);
    header[SLOTS] = slots;
    header[MAX_SAMPLES] = maxSamples;
    return new SpscRing(buffer);
  }

  /** Attaches to a ring created elsewhere (the other thread's side). */
  constructor(buffer: SharedArrayBuffer) {
    this.buffer = buffer;
    this.#header = new Int32Array(buffer, 0, HEADER_WORDS);
    this.slots = this.#header[SLOTS] ?? 0;
    this.maxSamples = this.#header[MAX_SAMPLES] ?? 0;
    this.#meta = new Int32Array(buffer, HEADER_WORDS * 4, this.slots * META_WORDS);
    this.#samples = new Int16Array(buffer, (HEADER_WORDS + this.slots * META_WORDS) * 4, this.slots * this.maxSamples);
  }

  /** Frames waiting to be read. */
  readable(): number {
    return (Atomics.load(this.#header, HEAD) - Atomics.load(this.#header, TAIL)) | 0;
  }

  /** Frames refused because the ring was full (or the frame too long), since creation. */
  get overruns(): number {
    return Atomics.load(this.#header, OVERRUNS);
  }

  /** Producer: copies `frame` in with its sequence number; false (and an overrun counted) when full. */
  write(frame: Int16Array, seq: number): boolean {
    const head = Atomics.load(this.#header, HEAD);
    const tail = Atomics.load(this.#header, TAIL);
    if (((head - tail) | 0) >= this.slots || frame.length > this.maxSamples) {
      Atomics.add(this.#header, OVERRUNS, 1);
      return false;
    }
    const slot = (head >>> 0) % this.slots;
    this.#samples.set(frame, slot * this.maxSamples);
    this.#meta[slot * META_WORDS] = seq | 0;
    this.#meta[slot * META_WORDS + 1] = frame.length;
    Atomics.store(this.#header, HEAD, (head + 1) | 0);
    Atomics.notify(this.#header, HEAD);
    return true;
  }

  /** Consumer: sequence number of the oldest frame; only meaningful when `readable() > 0`. */
  peekSeq(): number {
    const slot = (Atomics.load(this.#header, TAIL) >>> 0) % this.slots;
    return this.#meta[slot * META_WORDS] ?? 0;
  }

  /** Consumer: sample count of the oldest frame; only meaningful when `readable() > 0`. */
  peekLength(): number {
    const slot = (Atomics.load(this.#header, TAIL) >>> 0) % this.slots;
    return this.#meta[slot * META_WORDS + 1] ?? 0;
  }

  /**
   * Consumer: copies the oldest frame into `out` (which must hold it) and
   * returns its length, or −1 when the ring is empty. Its seq is `peekSeq()`
   * read before the call.
   */
  read(out: Int16Array): number {
    const tail = Atomics.load(this.#header, TAIL);
    if (Atomics.load(this.#header, HEAD) === tail) return -1;
    const slot = (tail >>> 0) % this.slots;
    const length = Math.min(this.#meta[slot * META_WORDS + 1] ?? 0, out.length);
    const start = slot * this.maxSamples;
    out.set(this.#samples.subarray(start, start + length));
    this.#release(tail);
    return length;
  }

  /** Consumer: drops the oldest frame unread; false when empty. */
  skip(): boolean {
    const tail = Atomics.load(this.#header, TAIL);
    if (Atomics.load(this.#header, HEAD) === tail) return false;
    this.#release(tail);
    return true;
  }

  /** Consumer: blocks up to `timeoutMs` until a frame is readable; true when one is. */
  waitReadable(timeoutMs: number): boolean {
    const head = Atomics.load(this.#header, HEAD);
    if (head !== Atomics.load(this.#header, TAIL)) return true;
    if (timeoutMs > 0) Atomics.wait(this.#header, HEAD, head, timeoutMs);
    return this.readable() > 0;
  }

  /** Producer (only on threads that may block): waits up to `timeoutMs` for a free slot. */
  waitWritable(timeoutMs: number): boolean {
    const tail = Atomics.load(this.#header, TAIL);
    if (((Atomics.load(this.#header, HEAD) - tail) | 0) < this.slots) return true;
    if (timeoutMs > 0) Atomics.wait(this.#header, TAIL, tail, timeoutMs);
    return this.readable() < this.slots;
  }

  #release(tail: number): void {
    Atomics.store(this.#header, TAIL, (tail + 1) | 0);
    Atomics.notify(this.#header, TAIL);
  }
}
