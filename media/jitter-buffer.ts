/**
 * A leg's jitter buffer: a pure processor (no timers, no sockets). `push`
 * stores received packets (views, no copy) ordered by sequence number; `pull`
 * is called once per 20 ms tick and fills exactly one frame, the samples
 * [playTs, playTs + frame), by TIMESTAMP: packets of any ptime are decoded in
 * order and sliced into frames, and a hole in the timeline is concealed for
 * exactly its length: by the next packet's in-band FEC when the codec has it
 * and that packet is already here (Opus), else by the codec's own PLC, else by
 * the generic concealer, whose end is cross-faded into the audio that follows
 * (`PacketLossConcealer.resume`, the G.711 Appendix I merge).
 *
 * Playout runs a fixed target delay behind the stream: the first packet of a
 * stream (and of a talkspurt, marker bit) is scheduled to play `targetDelayMs`
 * after it arrived, so silence gaps (DTX) do not grow the delay. The timeline
 * restarts on an SSRC change, a timestamp jump of more than a second either
 * way, or a run of late packets (the sender restarted its clock).
 */
import type { AudioDecoder } from '../codecs/codec.js';
import { PacketLossConcealer } from '../dsp/index.js';
import { extendSeq, extendTs, SEQ_MOD } from './seq.js';
import { FRAME_MS } from './media-clock.js';

/** What one pulled frame holds. 'silence': nothing to play yet, or a pause in the stream. */
export type FrameKind = 'audio' | 'concealed' | 'silence';

export interface JitterBufferOptions {
  /** RTP clock rate (timestamp units per second). */
  readonly clockRate: number;
  /** Sample rate of the decoder's PCM; an integer multiple of the clock rate (G.722: 2×). */
  readonly sampleRate: number;
  readonly targetDelayMs: number;
  readonly decoder: AudioDecoder;
  readonly frameMs?: number;
}

export interface JitterBufferCounters {
  readonly received: number;
  /** Arrived after their playout time (or behind what was already played). */
  readonly late: number;
  readonly duplicates: number;
  /** Arrived behind a higher sequence number but still in time. */
  readonly outOfOrder: number;
  /** Sequence numbers skipped at playout. */
  readonly lost: number;
  /** Samples (at `sampleRate`) filled by concealment (FEC-rebuilt samples included). */
  readonly concealedSamples: number;
  /** Of those, samples rebuilt from the next packet's in-band FEC (Opus). */
  readonly fecSamples: number;
  readonly resyncs: number;
  /** Payloads the decoder produced nothing from. */
  readonly undecodable: number;
}

interface QueuedPacket {
  readonly seq: number;
  readonly ts: number;
  readonly payload: Uint8Array;
}

/** A timestamp further than this from where the stream should be restarts the timeline. */
const RESYNC_JUMP_MS = 1000;
/** This many late packets in a row mean the sender's timeline moved back: restart. */
const LATE_RUN_RESYNC = 10;
/** With nothing queued, conceal this long; after that the stream is paused (DTX, hold) and we play silence. */
const MAX_BLIND_CONCEAL_MS = 100;
/** Longest packet we decode in one piece. */
const MAX_PACKET_MS = 240;
const MAX_QUEUE = 256;
/** Duplicate detection remembers this many recent sequence numbers. */
const SEEN_WINDOW = 256;

export class JitterBuffer {
  readonly targetDelayMs: number;
  readonly samplesPerFrame: number;
  readonly #decoder: AudioDecoder;
  readonly #plc: PacketLossConcealer;
  /** PCM samples per timestamp unit. */
  readonly #scale: number;
  readonly #tsPerFrame: number;
  readonly #targetTs: number;
  readonly #jumpTs: number;
  readonly #blindConcealTs: number;
  readonly #queue: QueuedPacket[] = [];
  readonly #seen = new Float64Array(SEEN_WINDOW).fill(-1);
  readonly #pcm: Int16Array;
  readonly #scratch: Int16Array;

  #started = false;
  #ssrc = 0;
  #highestSeq = 0;
  /** Extended timestamp of the next sample to play. */
  #playTs = 0;
  /** Extended seq of the last packet taken for playout; the first of a stream is not "lost" from. */
  #lastTakenSeq = 0;
  /** True until the first packet of the stream plays: holes before it are silence, not loss. */
  #prestart = true;
  /** The decoded packet being played: its timestamp and length in timestamp units. */
  #curTs = 0;
  #curLen = 0;
  #blindConcealed = 0;
  #lateRun = 0;

  #received = 0;
  #late = 0;
  #duplicates = 0;
  #outOfOrder = 0;
  #lost = 0;
  #concealedSamples = 0;
  #fecSamples = 0;
  #resyncs = 0;
  #undecodable = 0;

  constructor(options: JitterBufferOptions) {
    const frameMs = options.frameMs ?? FRAME_MS;
    this.targetDelayMs = options.targetDelayMs;
    this.#decoder = options.decoder;
    this.#scale = Math.max(1, Math.round(options.sampleRate / options.clockRate));
    this.#tsPerFrame = Math.round((options.clockRate * frameMs) / 1000);
    this.samplesPerFrame = this.#tsPerFrame * this.#scale;
    this.#targetTs = Math.round((options.clockRate * options.targetDelayMs) / 1000);
    this.#jumpTs = Math.round((options.clockRate * RESYNC_JUMP_MS) / 1000);
    this.#blindConcealTs = Math.round((options.clockRate * MAX_BLIND_CONCEAL_MS) / 1000);
    this.#pcm = new Int16Array(Math.round((options.sampleRate * MAX_PACKET_MS) / 1000));
    this.#scratch = new Int16Array(this.samplesPerFrame);
    this.#plc = new PacketLossConcealer({ sampleRate: options.sampleRate });
  }

  counters(): JitterBufferCounters {
    return {
      received: this.#received,
      late: this.#late,
      duplicates: this.#duplicates,
      outOfOrder: this.#outOfOrder,
      lost: this.#lost,
      concealedSamples: this.#concealedSamples,
      fecSamples: this.#fecSamples,
      resyncs: this.#resyncs,
      undecodable: this.#undecodable,
    };
  }

  /** Packets waiting for playout. */
  get queued(): number {
    return this.#queue.length;
  }

  /** Stores one received packet. `payload` is kept as is (a view); the caller must not reuse its memory. */
  push(seq: number, ts: number, ssrc: number, marker: boolean, payload: Uint8Array): void {
    this.#received++;
    if (!this.#started || ssrc !== this.#ssrc) {
      this.#restart(seq, ts, ssrc);
    } else {
      const extTs = extendTs(this.#playTs + this.#targetTs, ts);
      const ahead = extTs - (this.#playTs + this.#targetTs);
      const lateAgain = this.#lateRun >= LATE_RUN_RESYNC - 1 && extTs < this.#playedUpTo();
      if (ahead > this.#jumpTs || -ahead > this.#jumpTs || lateAgain) {
        this.#restart(seq, ts, ssrc);
      } else if (marker && this.#idle() && Math.abs(ahead) > this.#tsPerFrame) {
        // A talkspurt starts: play it at the target delay whatever the silence did to the timeline.
        this.#playTs = extTs - this.#targetTs;
        this.#dropCurrent();
      }
    }
    const extSeq = extendSeq(this.#highestSeq, seq);
    const extTs = extendTs(this.#playTs + this.#targetTs, ts);
    const slot = extSeq % SEEN_WINDOW;
    if (this.#seen[slot] === extSeq) {
      this.#duplicates++;
      return;
    }
    this.#seen[slot] = extSeq;
    if ((!this.#prestart && extSeq <= this.#lastTakenSeq) || extTs < this.#playedUpTo()) {
      this.#late++;
      this.#lateRun++;
      return;
    }
    this.#lateRun = 0;
    if (extSeq < this.#highestSeq) this.#outOfOrder++;
    else this.#highestSeq = extSeq;
    this.#insert({ seq: extSeq, ts: extTs, payload });
  }

  /** Fills `out[0 .. samplesPerFrame)` with the next 20 ms and advances the timeline. */
  pull(out: Int16Array): FrameKind {
    const frame = this.#tsPerFrame;
    if (!this.#started) {
      out.fill(0, 0, this.samplesPerFrame);
      return 'silence';
    }
    let audio = 0;
    let concealed = 0;
    let offset = 0;
    while (offset < frame) {
      const now = this.#playTs + offset;
      const curEnd = this.#curTs + this.#curLen;
      if (now >= this.#curTs && now < curEnd) {
        const n = Math.min(curEnd - now, frame - offset);
        this.#copyDecoded(now, n, out, offset);
        audio += n;
        offset += n;
        continue;
      }
      const head = this.#queue[0];
      if (head !== undefined && head.ts <= now) {
        this.#queue.shift();
        this.#take(head);
        continue;
      }
      const gapEnd = head === undefined ? this.#playTs + frame : Math.min(head.ts, this.#playTs + frame);
      const n = gapEnd - now;
      concealed += this.#fillGap(out, offset, n, head);
      offset += n;
    }
    this.#playTs += frame;
    if (audio > 0) return 'audio';
    return concealed > 0 ? 'concealed' : 'silence';
  }

  /** Drops `frames` frames of playout (the clock woke up late and skipped them). */
  skip(frames: number): void {
    for (let i = 0; i < frames; i++) this.pull(this.#scratch);
  }

  /** Forgets the stream; the next packet starts a new timeline. */
  reset(): void {
    this.#started = false;
    this.#queue.length = 0;
    this.#dropCurrent();
    this.#plc.reset();
  }

  #restart(seq: number, ts: number, ssrc: number): void {
    if (this.#started) this.#resyncs++;
    this.#started = true;
    this.#ssrc = ssrc;
    this.#queue.length = 0;
    this.#seen.fill(-1);
    this.#lateRun = 0;
    this.#blindConcealed = 0;
    this.#prestart = true;
    // Offset by one cycle so a slightly reordered predecessor still has a positive extended seq.
    this.#highestSeq = seq + SEQ_MOD;
    this.#lastTakenSeq = this.#highestSeq - 1;
    this.#playTs = ts - this.#targetTs;
    this.#dropCurrent();
  }

  /** Forgets the decoded packet being played (its end no longer bounds what counts as late). */
  #dropCurrent(): void {
    this.#curTs = this.#playTs;
    this.#curLen = 0;
  }

  /** Timestamp up to which audio is committed: played, or decoded and being played. */
  #playedUpTo(): number {
    return Math.max(this.#playTs, this.#curTs + this.#curLen);
  }

  #idle(): boolean {
    return this.#queue.length === 0 && this.#curTs + this.#curLen <= this.#playTs;
  }

  #insert(packet: QueuedPacket): void {
    const queue = this.#queue;
    let i = queue.length;
    while (i > 0 && (queue[i - 1]?.seq ?? 0) > packet.seq) i--;
    queue.splice(i, 0, packet);
    if (queue.length > MAX_QUEUE) {
      queue.shift();
      this.#late++;
    }
  }

  /** Decodes a packet into the playout buffer; counts the sequence numbers it skipped as lost. */
  #take(packet: QueuedPacket): void {
    if (!this.#prestart && packet.seq > this.#lastTakenSeq + 1) this.#lost += packet.seq - this.#lastTakenSeq - 1;
    this.#lastTakenSeq = packet.seq;
    this.#prestart = false;
    this.#blindConcealed = 0;
    const samples = this.#decoder.decode(packet.payload, this.#pcm);
    if (samples <= 0) {
      this.#undecodable++;
      this.#dropCurrent();
      return;
    }
    this.#curTs = packet.ts;
    this.#curLen = Math.floor(samples / this.#scale);
  }

  #copyDecoded(now: number, n: number, out: Int16Array, offset: number): void {
    const from = (now - this.#curTs) * this.#scale;
    const count = n * this.#scale;
    const at = offset * this.#scale;
    const pcm = this.#pcm;
    // A plain loop: `out.set(pcm.subarray(...))` would allocate a view every frame.
    for (let i = 0; i < count; i++) out[at + i] = pcm[from + i] ?? 0;
    // After generic concealment this cross-fades the returning audio in from it
    // (G.711 Appendix I merge); otherwise it only records the audio for a later loss.
    this.#plc.resume(out, at, count);
  }

  /** Fills a hole of `n` timestamp units; returns how many were concealed (the rest is silence). */
  #fillGap(out: Int16Array, offset: number, n: number, next: QueuedPacket | undefined): number {
    const at = offset * this.#scale;
    const count = n * this.#scale;
    const knownDtx = next !== undefined && next.seq === this.#lastTakenSeq + 1;
    const paused = next === undefined && this.#blindConcealed >= this.#blindConcealTs;
    if (this.#prestart || knownDtx || paused) {
      out.fill(0, at, at + count);
      // Silence the sender meant ends any loss; after a pause the concealment has faded
      // out and the returning audio is faded in by `resume`.
      if (!paused) this.#plc.observe(out, at, count);
      return 0;
    }
    if (next === undefined) this.#blindConcealed += n;
    const decoder = this.#decoder;
    // The hole ends where the next packet starts: its in-band FEC (if the codec has it) rebuilds the end of the hole.
    const fecReady = next !== undefined && decoder.decodeFec !== undefined && this.#playTs + offset + n === next.ts;
    if (fecReady && next !== undefined) {
      const written = decoder.decodeFec?.(next.payload, out.subarray(at, at + count), count) ?? 0;
      if (written < count) out.fill(0, at + Math.max(0, written), at + count);
      this.#fecSamples += count;
      this.#plc.observe(out, at, count);
    } else if (decoder.conceal !== undefined) {
      const written = decoder.conceal(out.subarray(at, at + count), count);
      if (written < count) out.fill(0, at + Math.max(0, written), at + count);
    } else {
      this.#plc.conceal(out, at, count);
    }
    this.#concealedSamples += count;
    return n;
  }
}
