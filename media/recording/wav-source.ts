/**
 * A WAV file as a source of fixed-size frames at a leg's (or room's) rate:
 * loaded and converted once (`loadWavSource`), then read frame by frame on
 * the media tick without allocating. Used by `leg.play` and by rooms.
 */
import { readFile, stat } from 'node:fs/promises';
import { MediaError } from '../errors.js';
import { toMonoAt } from './pcm-convert.js';
import { parseWav, WavFormatError, type PcmAudio } from './wav-format.js';

/** Larger files are refused (a 1-hour 48 kHz stereo file is ~660 MiB). */
export const MAX_WAV_FILE_BYTES = 256 * 1024 * 1024;
export const DEFAULT_FRAME_MS = 20;

export interface WavSourceOptions {
  /** Start over at the end instead of ending (default false). */
  readonly loop?: boolean;
  /** Frame length (default 20 ms). */
  readonly frameMs?: number;
}

/**
 * Reads and parses a 16-bit PCM WAV file; MediaError ERR_INVALID_ARGS whose
 * message names the file and the problem (missing, unreadable, not WAV…).
 */
export async function readWavFile(path: string): Promise<PcmAudio> {
  const fail = (reason: string, cause?: unknown): MediaError =>
    new MediaError('ERR_INVALID_ARGS', `cannot play ${path}: ${reason}`, cause === undefined ? undefined : { cause });
  let bytes: Buffer;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw fail('not a regular file');
    if (info.size > MAX_WAV_FILE_BYTES) throw fail(`file is ${info.size} bytes, more than the ${MAX_WAV_FILE_BYTES} allowed`);
    bytes = await readFile(path);
  } catch (error) {
    if (error instanceof MediaError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw fail(code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String(error), error);
  }
  try {
    const audio = parseWav(bytes);
    if (audio.samples.length === 0) throw new WavFormatError('the file holds no audio');
    return audio;
  } catch (error) {
    throw fail(error instanceof WavFormatError ? error.message : String(error), error);
  }
}

/** Loads `path` as mono frames at `sampleRate`. */
export async function loadWavSource(path: string, sampleRate: number, options: WavSourceOptions = {}): Promise<WavSource> {
  const audio = await readWavFile(path);
  return new WavSource(await toMonoAt(audio, sampleRate), sampleRate, options);
}

export class WavSource {
  readonly sampleRate: number;
  readonly loop: boolean;
  /** Samples per frame at `sampleRate`. */
  readonly frameSamples: number;
  readonly durationMs: number;
  /** Mono samples at `sampleRate`. */
  readonly samples: Int16Array;
  #position = 0;
  #ended = false;

  constructor(samples: Int16Array, sampleRate: number, options: WavSourceOptions = {}) {
    this.samples = samples;
    this.sampleRate = sampleRate;
    this.loop = options.loop ?? false;
    this.frameSamples = Math.round((sampleRate * (options.frameMs ?? DEFAULT_FRAME_MS)) / 1000);
    this.durationMs = (samples.length * 1000) / sampleRate;
    this.#ended = samples.length === 0;
  }

  /** True once the last sample was delivered (never while looping a non-empty file). */
  get ended(): boolean {
    return this.#ended;
  }

  /** Playback position in ms from the start of the file. */
  get positionMs(): number {
    return (this.#position * 1000) / this.sampleRate;
  }

  /**
   * Overwrites `frame[0..length)` with the next samples (silence after the
   * end). Returns false, leaving `frame` untouched, once the source has ended.
   */
  read(frame: Int16Array, length = frame.length): boolean {
    if (this.#ended) return false;
    let filled = 0;
    while (filled < length && !this.#ended) {
      const n = Math.min(length - filled, this.samples.length - this.#position);
      frame.set(this.samples.subarray(this.#position, this.#position + n), filled);
      filled += n;
      this.#advance(n);
    }
    frame.fill(0, filled, length);
    return true;
  }

  /** Adds the next samples to `frame[0..length)` with saturation; false once ended. */
  mixInto(frame: Int16Array, length = frame.length): boolean {
    if (this.#ended) return false;
    let filled = 0;
    while (filled < length && !this.#ended) {
      const n = Math.min(length - filled, this.samples.length - this.#position);
      for (let i = 0; i < n; i++) {
        const sum = (frame[filled + i] ?? 0) + (this.samples[this.#position + i] ?? 0);
        frame[filled + i] = sum > 32767 ? 32767 : sum < -32768 ? -32768 : sum;
      }
      filled += n;
      this.#advance(n);
    }
    return true;
  }

  /** Back to the start (also un-ends a finished source). */
  rewind(): void {
    this.#position = 0;
    this.#ended = this.samples.length === 0;
  }

  #advance(n: number): void {
    this.#position += n;
    if (this.#position < this.samples.length) return;
    if (this.loop) this.#position = 0;
    else this.#ended = true;
  }
}
