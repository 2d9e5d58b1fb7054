/**
 * Streaming 16-bit PCM WAV writer for recordings: `write()` runs on the media
 * tick and only copies samples into a preallocated batch; full batches go to
 * the file through FileHandle writes chained off the tick (never sync I/O).
 * The header goes out with zero sizes first and is patched on `close()`.
 *
 * If the disk cannot keep up (more than `maxQueuedBatches` waiting), whole
 * batches are dropped and counted rather than growing memory without bound.
 * A write error stops the recording; `close()` still resolves, with `error`.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { endianness } from 'node:os';
import { DATA_SIZE_OFFSET, encodeWavHeader, MAX_WAV_DATA_BYTES, RIFF_SIZE_OFFSET, WAV_HEADER_BYTES } from './wav-format.js';

export const DEFAULT_BATCH_MS = 500;
export const DEFAULT_MAX_QUEUED_BATCHES = 20;
const LITTLE_ENDIAN = endianness() === 'LE';

export interface WavWriterOptions {
  /** Audio per file write (default 500 ms). */
  readonly batchMs?: number;
  /** Batches allowed to wait for the disk before new ones are dropped (default 20). */
  readonly maxQueuedBatches?: number;
}

/** What a finished file holds (the recording module adds its id). */
export interface WavFileInfo {
  readonly path: string;
  readonly sampleRate: number;
  readonly channels: number;
  /** Audio written to the file. */
  readonly durationMs: number;
  /** File size: header plus data. */
  readonly bytes: number;
  /** Sample frames lost to a slow disk, a write error or the 4 GiB WAV limit. */
  readonly droppedFrames: number;
  /** Set when the file could not be opened or written. */
  readonly error?: string;
}

export interface WavWriterStats {
  /** Sample frames (one sample per channel) accepted by `write*`. */
  acceptedFrames: number;
  droppedFrames: number;
  batchesWritten: number;
}

export class WavFileWriter {
  readonly path: string;
  readonly sampleRate: number;
  readonly channels: number;
  readonly stats: WavWriterStats = { acceptedFrames: 0, droppedFrames: 0, batchesWritten: 0 };
  readonly #opening: Promise<FileHandle>;
  /** Serialises writes so batch buffers can be recycled in order. */
  #chain: Promise<void>;
  #batch: Int16Array;
  #fill = 0;
  readonly #free: Int16Array[] = [];
  readonly #maxQueued: number;
  #queued = 0;
  /** Data bytes handed to the chain (file position of the next batch). */
  #queuedBytes = 0;
  /** Data bytes the file holds. */
  #writtenBytes = 0;
  #error: Error | undefined;
  #closing: Promise<WavFileInfo> | undefined;

  /** Opens `path` (truncating it) in the background; see `ready()` and `create()`. */
  constructor(path: string, sampleRate: number, channels: number, options: WavWriterOptions = {}) {
    if (!Number.isInteger(sampleRate) || sampleRate <= 0) throw new RangeError(`WAV sample rate ${sampleRate} is not a positive integer`);
    if (channels !== 1 && channels !== 2) throw new RangeError(`WAV channels ${channels}: mono or stereo only`);
    this.path = path;
    this.sampleRate = sampleRate;
    this.channels = channels;
    const batchMs = options.batchMs ?? DEFAULT_BATCH_MS;
    this.#batch = new Int16Array(Math.max(1, Math.round((sampleRate * batchMs) / 1000)) * channels);
    this.#maxQueued = options.maxQueuedBatches ?? DEFAULT_MAX_QUEUED_BATCHES;
    this.#opening = open(path, 'w').then(async (handle) => {
      await handle.write(encodeWavHeader(sampleRate, channels, 0), 0, WAV_HEADER_BYTES, 0);
      return handle;
    });
    this.#chain = this.#opening.then(
      () => undefined,
      (error: unknown) => this.#fail(error),
    );
  }

  /** A writer whose file is open: rejects (with the open error) if `path` is not writable. */
  static async create(path: string, sampleRate: number, channels: number, options: WavWriterOptions = {}): Promise<WavFileWriter> {
    const writer = new WavFileWriter(path, sampleRate, channels, options);
    await writer.ready();
    return writer;
  }

  /** Resolves once the file is open and its header written; rejects with the error otherwise. */
  async ready(): Promise<void> {
    await this.#opening;
  }

  /** The error that stopped the recording, if any. */
  get error(): Error | undefined {
    return this.#error;
  }

  /** Audio accepted so far (including what is still waiting for the disk). */
  get durationMs(): number {
    return (this.stats.acceptedFrames * 1000) / this.sampleRate;
  }

  /** Appends interleaved samples `samples[0..length)` (length a multiple of `channels`). */
  write(samples: Int16Array, length = samples.length): void {
    const frames = Math.floor(length / this.channels);
    if (this.#closing) {
      this.stats.droppedFrames += frames;
      return;
    }
    let offset = 0;
    while (offset < length) {
      const n = Math.min(length - offset, this.#batch.length - this.#fill);
      this.#batch.set(samples.subarray(offset, offset + n), this.#fill);
      this.#fill += n;
      offset += n;
      if (this.#fill === this.#batch.length) this.#submit();
    }
    this.stats.acceptedFrames += frames;
  }

  /**
   * Appends `frames` frames from per-channel buffers (null: silence there).
   * Stereo interleaves `left` and `right`; mono takes `left ?? right`.
   */
  writeStereo(left: Int16Array | null, right: Int16Array | null, frames: number): void {
    if (this.#closing) {
      this.stats.droppedFrames += frames;
      return;
    }
    const first = this.channels === 2 ? left : (left ?? right);
    const second = this.channels === 2 ? right : null;
    for (let i = 0; i < frames; i++) {
      this.#batch[this.#fill++] = first ? (first[i] ?? 0) : 0;
      if (this.channels === 2) this.#batch[this.#fill++] = second ? (second[i] ?? 0) : 0;
      if (this.#fill === this.#batch.length) this.#submit();
    }
    this.stats.acceptedFrames += frames;
  }

  /** Appends `frames` frames of silence (keeps a recording aligned when a side has nothing). */
  writeSilence(frames: number): void {
    this.writeStereo(null, null, frames);
  }

  /** Resolves when everything written so far has reached the file (the header is patched only on close). */
  async flush(): Promise<void> {
    if (this.#fill > 0) this.#submit();
    await this.#chain;
  }

  /** Writes what is buffered, patches the header and closes the file; idempotent, never rejects. */
  close(): Promise<WavFileInfo> {
    this.#closing ??= this.#finish();
    return this.#closing;
  }

  async #finish(): Promise<WavFileInfo> {
    if (this.#fill > 0) this.#submit();
    await this.#chain;
    let handle: FileHandle | undefined;
    try {
      handle = await this.#opening;
    } catch {
      // Open failed: #error is already set by the chain.
    }
    if (handle) {
      try {
        const header = encodeWavHeader(this.sampleRate, this.channels, this.#writtenBytes);
        await handle.write(header, RIFF_SIZE_OFFSET, 4, RIFF_SIZE_OFFSET);
        await handle.write(header, DATA_SIZE_OFFSET, 4, DATA_SIZE_OFFSET);
      } catch (error) {
        this.#fail(error);
      }
      await handle.close().catch((error: unknown) => this.#fail(error));
    }
    const frameBytes = 2 * this.channels;
    const frames = this.#writtenBytes / frameBytes;
    const info: WavFileInfo = {
      path: this.path,
      sampleRate: this.sampleRate,
      channels: this.channels,
      durationMs: Math.round((frames * 1000) / this.sampleRate),
      bytes: handle ? WAV_HEADER_BYTES + this.#writtenBytes : 0,
      droppedFrames: this.stats.droppedFrames,
    };
    return this.#error ? { ...info, error: this.#error.message } : info;
  }

  /** Hands the full (or, on flush, partial) batch to the write chain and takes a fresh one. */
  #submit(): void {
    const batch = this.#batch;
    const samples = this.#fill;
    this.#fill = 0;
    const bytes = samples * 2;
    if (this.#error || this.#queued >= this.#maxQueued || this.#queuedBytes + bytes > MAX_WAV_DATA_BYTES) {
      this.stats.droppedFrames += samples / this.channels;
      return; // Reuse the same batch: its content is discarded.
    }
    this.#batch = this.#free.pop() ?? new Int16Array(batch.length);
    const position = WAV_HEADER_BYTES + this.#queuedBytes;
    this.#queuedBytes += bytes;
    this.#queued++;
    this.#chain = this.#chain.then(() => this.#writeBatch(batch, bytes, position));
  }

  async #writeBatch(batch: Int16Array, bytes: number, position: number): Promise<void> {
    try {
      if (this.#error) {
        this.stats.droppedFrames += bytes / 2 / this.channels;
        return;
      }
      const handle = await this.#opening;
      if (!LITTLE_ENDIAN) swapBytes(batch, bytes / 2);
      await handle.write(new Uint8Array(batch.buffer, batch.byteOffset, bytes), 0, bytes, position);
      this.#writtenBytes += bytes;
      this.stats.batchesWritten++;
    } catch (error) {
      this.stats.droppedFrames += bytes / 2 / this.channels;
      this.#fail(error);
    } finally {
      this.#queued--;
      this.#free.push(batch);
    }
  }

  #fail(error: unknown): void {
    this.#error ??= error instanceof Error ? error : new Error(String(error));
  }
}

/** WAV is little-endian; Int16Array is host-endian. */
function swapBytes(samples: Int16Array, length: number): void {
  for (let i = 0; i < length; i++) {
    const v = samples[i] ?? 0;
    samples[i] = ((v & 0xff) << 8) | ((v >> 8) & 0xff);
  }
}
