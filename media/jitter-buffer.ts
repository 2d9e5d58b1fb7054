/**
 * A leg's adaptive jitter buffer, in the spirit of WebRTC NetEq; a pure
 * processor (no timers, no sockets). `push` stores packets (views, no copy)
 * by sequence number; `pull` fills one 20 ms frame per tick, decoding the
 * timeline by timestamp into a small sync buffer and concealing holes for
 * exactly their length (FEC, codec PLC or generic PLC: jitter/concealment.ts).
 * The target delay adapts to measured arrival delays (jitter/playout-control.ts)
 * and the delay follows it by pitch-period time-stretching
 * (jitter/time-stretch.ts); an underrun conceals without advancing the
 * timeline, so a late packet still plays. docs/media.md has the details.
 */
import type { AudioDecoder } from '../codecs/codec.js';
import type { JitterBufferCounters, JitterBufferOptions } from './jitter/options.js';
import { extendSeq, extendTs, SEQ_MOD } from './seq.js';
import { FRAME_MS } from './media-clock.js';
import type { JitterBufferStats } from './protocol.js';
import { PlayoutControl } from './jitter/playout-control.js';
import { TimeStretcher } from './jitter/time-stretch.js';
import { Concealment } from './jitter/concealment.js';
import { SyncBuffer } from './jitter/sync-buffer.js';
import { PacketQueue, type QueuedPacket } from './jitter/packet-queue.js';

export type { FrameKind, JitterBufferCounters, JitterBufferOptions } from './jitter/options.js';
export { DEFAULT_MAX_DELAY_MS, DEFAULT_MIN_DELAY_MS } from './jitter/options.js';
import { DEFAULT_MAX_DELAY_MS, DEFAULT_MIN_DELAY_MS, richer, type FrameKind } from './jitter/options.js';


/** A timestamp further than this from where the stream should be restarts the timeline. */
const RESYNC_JUMP_MS = 1000;
/** This many late packets in a row mean the sender's timeline moved back: restart. */
const LATE_RUN_RESYNC = 10;
/** With nothing queued, conceal this long; after that the stream is paused (DTX, hold) and we play silence. */
const MAX_BLIND_CONCEAL_MS = 100;
/** Most frames we wait (concealing) for a missing packet while later ones are queued. */
const MAX_HOLE_WAIT_FRAMES = 5;
/** Longest packet we decode in one piece. */
const MAX_PACKET_MS = 240;

export class JitterBuffer {
  readonly samplesPerFrame: number;
  readonly #decoder: AudioDecoder;
  readonly #conceal: Concealment;
  readonly #control: PlayoutControl;
  readonly #stretcher: TimeStretcher;
  readonly #now: (() => number) | null;
  readonly #frameMs: number;
  readonly #clockRate: number;
  readonly #sampleRate: number;
  /** PCM samples per timestamp unit. */
  readonly #scale: number;
  readonly #tsPerFrame: number;
  readonly #jumpTs: number;
  readonly #blindConcealTs: number;
  readonly #packets = new PacketQueue();
  /** The packet queue's array, read by index on the tick path. */
  readonly #queue = this.#packets.items;
  readonly #pcm: Int16Array;
  readonly #scratch: Int16Array;
  readonly #sync: SyncBuffer;

  #started = false;
  #ssrc = 0;
  #highestSeq = 0;
  /** Extended timestamp of the next sample to decode into the sync buffer. */
  #playTs = 0;
  /** Extended seq of the last packet taken for playout; the first of a stream is not "lost" from. */
  #lastTakenSeq = 0;
  /** True until the first packet of the stream plays: holes before it are silence, not loss. */
  #prestart = true;
  /** The decoded packet being played: its timestamp and length in timestamp units. */
  #curTs = 0;
  #curLen = 0;
  #blindConcealed = 0;
  #holeWait = 0;
  #fillStalled = false; // the last #fillFrame held the timeline (underrun, or a hole worth waiting for)
  #lateRun = 0;
  #pulls = 0;
  /** The receiver's time of the pull in progress. */
  #pullNow = 0;

  #received = 0;
  #late = 0;
  #duplicates = 0;
  #outOfOrder = 0;
  #lost = 0;
  #resyncs = 0;
  #undecodable = 0;

  constructor(options: JitterBufferOptions) {
    const frameMs = options.frameMs ?? FRAME_MS;
    const start = options.targetDelayMs;
    this.#control = new PlayoutControl({
      startMs: start,
      minMs: Math.min(options.minDelayMs ?? DEFAULT_MIN_DELAY_MS, start),
      maxMs: Math.max(options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS, start),
    });
    this.#decoder = options.decoder;
    this.#now = options.now ?? null;
    this.#frameMs = frameMs;
    this.#clockRate = options.clockRate;
    this.#sampleRate = options.sampleRate;
    this.#scale = Math.max(1, Math.round(options.sampleRate / options.clockRate));
    this.#tsPerFrame = Math.round((options.clockRate * frameMs) / 1000);
    this.samplesPerFrame = this.#tsPerFrame * this.#scale;
    this.#jumpTs = Math.round((options.clockRate * RESYNC_JUMP_MS) / 1000);
    this.#blindConcealTs = Math.round((options.clockRate * MAX_BLIND_CONCEAL_MS) / 1000);
    this.#pcm = new Int16Array(Math.round((options.sampleRate * MAX_PACKET_MS) / 1000));
    this.#scratch = new Int16Array(this.samplesPerFrame);
    this.#stretcher = new TimeStretcher(options.sampleRate);
    this.#sync = new SyncBuffer(3 * this.samplesPerFrame + 2 * this.#stretcher.maxPeriod);
    this.#conceal = new Concealment(options.decoder, options.sampleRate);
  }

  /** The current (adaptive) target playout delay in ms. */
  get targetDelayMs(): number {
    return this.#control.targetMs;
  }

  counters(): JitterBufferCounters {
    return {
      received: this.#received,
      late: this.#late,
      duplicates: this.#duplicates,
      outOfOrder: this.#outOfOrder,
      lost: this.#lost,
      concealedSamples: this.#conceal.concealedSamples,
      fecSamples: this.#conceal.fecSamples,
      resyncs: this.#resyncs,
      undecodable: this.#undecodable,
    };
  }

  /** The adaptation state: target, current delay (the queued audio until a delay was measured), bounds, stretch totals. */
  stats(): JitterBufferStats {
    const queuedTs = this.#queue.length > 0 ? (this.#queue[this.#queue.length - 1]?.ts ?? 0) + this.#tsPerFrame - this.#playingTs() : 0;
    // While the stream is paused (DTX, hold, the end of a stream) playout stands still and the
    // measured delay would only grow: report the target, which is where the next talkspurt plays.
    const measured = this.#paused() ? this.#control.targetMs : this.#control.currentMs;
    const current = measured ?? Math.max(0, (queuedTs * 1000) / this.#clockRate);
    return {
      targetMs: this.#control.targetMs,
      currentMs: Math.round(current),
      minMs: this.#control.minMs,
      maxMs: this.#control.maxMs,
      acceleratedMs: Math.round((this.#sync.acceleratedSamples * 1000) / this.#sampleRate),
      expandedMs: Math.round((this.#sync.expandedSamples * 1000) / this.#sampleRate),
      resyncs: this.#resyncs,
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
      const targetTs = this.#targetTs();
      const extTs = extendTs(this.#playTs + targetTs, ts);
      const ahead = extTs - (this.#playTs + targetTs);
      const lateAgain = this.#lateRun >= LATE_RUN_RESYNC - 1 && extTs < this.#playedUpTo();
      if (ahead > this.#jumpTs || -ahead > this.#jumpTs || lateAgain) {
        this.#restart(seq, ts, ssrc);
      } else if ((marker || this.#paused()) && this.#idle() && Math.abs(ahead) > this.#tsPerFrame) {
        // A talkspurt starts (or the stream comes back): play it at the target delay whatever the silence did.
        this.#playTs = extTs - targetTs;
        this.#blindConcealed = 0;
        this.#control.restart();
        this.#dropCurrent();
      }
    }
    const extSeq = extendSeq(this.#highestSeq, seq);
    const extTs = extendTs(this.#playTs + this.#targetTs(), ts);
    if (this.#packets.seenBefore(extSeq)) {
      this.#duplicates++;
      return;
    }
    // Before the first pull the receiver's clock is not running yet (default clock): nothing to measure.
    if (this.#now !== null || this.#pulls > 0) this.#control.observe(this.#clockNow(), this.#tsToMs(extTs), this.#frameMs);
    if ((!this.#prestart && extSeq <= this.#lastTakenSeq) || extTs < this.#playedUpTo()) {
      this.#late++;
      this.#lateRun++;
      return;
    }
    this.#lateRun = 0;
    if (extSeq < this.#highestSeq) this.#outOfOrder++;
    else this.#highestSeq = extSeq;
    if (this.#packets.insert({ seq: extSeq, ts: extTs, payload })) this.#late++;
  }

  /** Fills `out[0 .. samplesPerFrame)` with the next 20 ms and advances the timeline. */
  pull(out: Int16Array): FrameKind {
    const nowMs = this.#clockNow();
    this.#pullNow = nowMs;
    this.#pulls++;
    const frame = this.samplesPerFrame;
    if (!this.#started) {
      out.fill(0, 0, frame);
      return 'silence';
    }
    const decision = this.#prestart ? 'normal' : this.#control.decide(nowMs, this.#tsToMs(this.#playingTs()), this.#canAccelerate());
    const need = decision === 'accelerate' ? frame + this.#stretcher.maxPeriod : frame;
    const sync = this.#sync;
    let kind: FrameKind = sync.length > 0 ? sync.kind : 'silence';
    let stalled = false;
    while (sync.length < need) {
      const filled = this.#fillFrame();
      stalled ||= this.#fillStalled;
      sync.kind = filled;
      kind = richer(kind, filled);
    }
    // An underrun already stretched this frame (with concealment).
    if (!stalled) sync.stretch(decision, this.#stretcher, Math.floor((this.#control.excessMs * this.#sampleRate) / 1000));
    sync.shift(out, frame);
    return kind;
  }

  /** Drops `frames` frames of playout (the clock woke up late and skipped them). */
  skip(frames: number): void {
    for (let i = 0; i < frames; i++) this.pull(this.#scratch);
  }

  /** Forgets the stream; the next packet starts a new timeline. */
  reset(): void {
    this.#started = false;
    this.#packets.clear();
    this.#dropCurrent();
    this.#conceal.reset();
  }

  #clockNow(): number {
    return this.#now !== null ? this.#now() : this.#pulls * this.#frameMs;
  }

  #tsToMs(ts: number): number {
    return (ts * 1000) / this.#clockRate;
  }

  #targetTs(): number {
    return Math.round((this.#clockRate * this.#control.targetMs) / 1000);
  }

  /** Timestamp of the next sample to leave through `pull` (the sync buffer holds decoded audio ahead of it). */
  #playingTs(): number {
    return this.#playTs - this.#sync.length / this.#scale;
  }

  #paused(): boolean {
    return this.#blindConcealed >= this.#blindConcealTs;
  }

  /** Accelerating decodes a frame ahead: only when the next packets are queued without a hole. */
  #canAccelerate(): boolean {
    const first = this.#queue[0]; // indexed: destructuring would run the iterator protocol every tick
    const second = this.#queue[1];
    return first !== undefined && second !== undefined && first.seq === this.#lastTakenSeq + 1 && second.seq === first.seq + 1;
  }

  #restart(seq: number, ts: number, ssrc: number): void {
    if (this.#started) this.#resyncs++;
    this.#started = true;
    this.#ssrc = ssrc;
    this.#packets.clear(true);
    this.#lateRun = 0;
    this.#blindConcealed = 0;
    this.#prestart = true;
    // Offset by one cycle so a slightly reordered predecessor still has a positive extended seq.
    this.#highestSeq = seq + SEQ_MOD;
    this.#lastTakenSeq = this.#highestSeq - 1;
    this.#playTs = ts - this.#targetTs();
    this.#control.restart();
    this.#dropCurrent();
  }

  /** Forgets the decoded packet being played and what the sync buffer held. */
  #dropCurrent(): void {
    this.#curTs = this.#playTs;
    this.#curLen = 0;
    this.#sync.clear();
  }

  /** Timestamp up to which audio is committed: played, or decoded and being played. */
  #playedUpTo(): number {
    return Math.max(this.#playTs, this.#curTs + this.#curLen);
  }

  #idle(): boolean {
    return this.#queue.length === 0 && this.#curTs + this.#curLen <= this.#playTs;
  }

  /**
   * Decodes one frame of the timeline onto the end of the sync buffer. At an
   * underrun, or while waiting for a missing packet, the rest of the frame is
   * concealment and the timeline does not advance over it (`#fillStalled`, a field: no object per tick).
   */
  #fillFrame(): FrameKind {
    const frame = this.#tsPerFrame;
    const base = this.#sync.length;
    let audio = 0;
    let concealed = 0;
    let offset = 0;
    let advance = frame;
    while (offset < frame) {
      const now = this.#playTs + offset;
      const curEnd = this.#curTs + this.#curLen;
      if (now >= this.#curTs && now < curEnd) {
        const n = Math.min(curEnd - now, frame - offset);
        this.#copyDecoded(now, n, base + offset * this.#scale);
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
      if (this.#stalls(head, now)) {
        const n = frame - offset;
        const filled = this.#fillGap(base + offset * this.#scale, n, undefined);
        concealed += filled;
        this.#sync.expandedSamples += filled * this.#scale;
        advance = offset;
        break;
      }
      const gapEnd = head === undefined ? this.#playTs + frame : Math.min(head.ts, this.#playTs + frame);
      const n = gapEnd - now;
      concealed += this.#fillGap(base + offset * this.#scale, n, head);
      offset += n;
    }
    this.#playTs += advance;
    this.#sync.length += frame * this.#scale;
    this.#fillStalled = advance < frame;
    return audio > 0 ? 'audio' : concealed > 0 ? 'concealed' : 'silence';
  }

  /** At a hole: hold the timeline (underrun, or a missing packet worth waiting for) rather than skip it? */
  #stalls(head: QueuedPacket | undefined, missingTs: number): boolean {
    if (this.#prestart) return false;
    if (head === undefined) return true;
    if (head.seq === this.#lastTakenSeq + 1) return false; // a silence gap the sender meant
    if (this.#holeWait < MAX_HOLE_WAIT_FRAMES && this.#control.worthWaiting(this.#pullNow, this.#tsToMs(missingTs))) {
      this.#holeWait++;
      return true;
    }
    return false;
  }

  /** Decodes a packet into the playout buffer; counts the sequence numbers it skipped as lost. */
  #take(packet: QueuedPacket): void {
    if (!this.#prestart && packet.seq > this.#lastTakenSeq + 1) this.#lost += packet.seq - this.#lastTakenSeq - 1;
    this.#lastTakenSeq = packet.seq;
    this.#prestart = false;
    this.#blindConcealed = 0;
    this.#holeWait = 0;
    const samples = this.#decoder.decode(packet.payload, this.#pcm);
    if (samples <= 0) {
      this.#undecodable++;
      this.#curTs = this.#playTs;
      this.#curLen = 0;
      return;
    }
    this.#curTs = packet.ts;
    this.#curLen = Math.floor(samples / this.#scale);
  }

  #copyDecoded(now: number, n: number, at: number): void {
    const from = (now - this.#curTs) * this.#scale;
    const count = n * this.#scale;
    const pcm = this.#pcm;
    const out = this.#sync.data;
    // A plain loop: `out.set(pcm.subarray(...))` would allocate a view every frame.
    for (let i = 0; i < count; i++) out[at + i] = pcm[from + i] ?? 0;
    this.#conceal.resume(out, at, count);
  }

  /** Fills a hole of `n` timestamp units at sync sample `at`; returns how many were concealed (the rest is silence). */
  #fillGap(at: number, n: number, next: QueuedPacket | undefined): number {
    const count = n * this.#scale;
    const knownDtx = next !== undefined && next.seq === this.#lastTakenSeq + 1;
    const paused = next === undefined && this.#paused();
    if (this.#prestart || knownDtx || paused) {
      // Silence the sender meant ends any loss; after a pause the concealment has faded
      // out and the returning audio is faded in by `resume`.
      this.#conceal.silence(this.#sync.data, at, count, !paused);
      return 0;
    }
    if (next === undefined) this.#blindConcealed += n;
    // The hole ends where the next packet starts: its in-band FEC (if the codec has it) rebuilds the end of the hole.
    const holeTs = this.#playTs + (at - this.#sync.length) / this.#scale;
    const fec = next !== undefined && this.#conceal.hasFec && holeTs + n === next.ts ? next.payload : null;
    this.#conceal.conceal(this.#sync.data, at, count, fec);
    return n;
  }
}
