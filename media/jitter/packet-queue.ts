/**
 * The jitter buffer's packets in waiting: ordered by extended sequence number,
 * bounded, with a window of recently seen sequence numbers for duplicates.
 */
export interface QueuedPacket {
  /** Extended (wrap-free) sequence number and timestamp. */
  readonly seq: number;
  readonly ts: number;
  readonly payload: Uint8Array;
}

const MAX_QUEUE = 256;
/** Duplicate detection remembers this many recent sequence numbers. */
const SEEN_WINDOW = 256;

export class PacketQueue {
  /** Ordered by `seq`; read by index on the tick path (no iterator per tick). */
  readonly items: QueuedPacket[] = [];
  readonly #seen = new Float64Array(SEEN_WINDOW).fill(-1);

  /** True when `extSeq` was already seen recently; otherwise remembers it. */
  seenBefore(extSeq: number): boolean {
    const slot = extSeq % SEEN_WINDOW;
    if (this.#seen[slot] === extSeq) return true;
    this.#seen[slot] = extSeq;
    return false;
  }

  /** Inserts in sequence order; returns true when the queue was full and its oldest packet was dropped. */
  insert(packet: QueuedPacket): boolean {
    const queue = this.items;
    let i = queue.length;
    while (i > 0 && (queue[i - 1]?.seq ?? 0) > packet.seq) i--;
    queue.splice(i, 0, packet);
    if (queue.length <= MAX_QUEUE) return false;
    queue.shift();
    return true;
  }

  /** Drops the queued packets (the seen window stays unless `forget`). */
  clear(forget = false): void {
    this.items.length = 0;
    if (forget) this.#seen.fill(-1);
  }
}
