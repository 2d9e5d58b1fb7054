/**
 * Is this participant talking? Per 20 ms frame at the leg's rate:
 *
 * - level: RMS in dBFS (dsp LevelMeter);
 * - speech: in `vad` mode the dsp VAD (WebRTC GMM + noise-floor gates) must
 *   call the frame speech and the level must reach `thresholdDb`; in `level`
 *   mode the threshold alone decides (energy detection);
 * - hysteresis: talking starts after `ONSET_FRAMES` speech frames in a row
 *   (a click is not a talk spurt) and ends `hangoverMs` after the last one;
 * - events are rate-limited: a change is reported at most once per
 *   `MIN_EVENT_INTERVAL_MS`, and a change that flips back inside that window
 *   is never reported at all.
 *
 * `score` (a smoothed level) ranks talkers for the loudest-K selection.
 */
import { LevelMeter, createVad, type VoiceActivityDetector } from '../../dsp/index.js';
import type { FrameKind } from '../jitter-buffer.js';

export const ONSET_FRAMES = 2;
export const MIN_EVENT_INTERVAL_MS = 300;
export const SILENCE_DB = -127;
/** Smoothing of the ranking score per frame (about 100 ms). */
const SCORE_SMOOTHING = 0.2;

export interface TalkerDetectorOptions {
  readonly sampleRate: number;
  readonly thresholdDb: number;
  readonly hangoverMs: number;
  readonly mode: 'vad' | 'level';
  readonly frameMs: number;
}

export async function createTalkerDetector(options: TalkerDetectorOptions): Promise<TalkerDetector> {
  const vad = options.mode === 'vad' ? await createVad({ sampleRate: options.sampleRate }) : null;
  return new TalkerDetector(options, vad);
}

export class TalkerDetector {
  readonly sampleRate: number;
  talking = false;
  /** Level of the last frame, dBFS. */
  levelDb = SILENCE_DB;
  /** Smoothed level while talking (dBFS), for ranking. */
  score = SILENCE_DB;
  readonly #options: TalkerDetectorOptions;
  readonly #vad: VoiceActivityDetector | null;
  readonly #meter = new LevelMeter();
  #speechRun = 0;
  #hangoverLeftMs = 0;
  #reported = false;
  #lastReportMs = Number.NEGATIVE_INFINITY;

  constructor(options: TalkerDetectorOptions, vad: VoiceActivityDetector | null) {
    this.sampleRate = options.sampleRate;
    this.#options = options;
    this.#vad = vad;
  }

  /** Classifies one frame; returns `talking`. Silence frames (nothing received) skip the VAD. */
  process(frame: Int16Array, kind: FrameKind): boolean {
    let speech = false;
    if (kind === 'silence') {
      this.levelDb = SILENCE_DB;
    } else {
      this.#meter.process(frame);
      this.levelDb = this.#meter.dbfs;
      const loud = this.levelDb >= this.#options.thresholdDb;
      const vad = this.#vad;
      // The VAD still sees quiet frames: its noise floor must keep tracking.
      speech = vad === null ? loud : vad.process(frame) && loud;
    }
    this.#speechRun = speech ? this.#speechRun + 1 : 0;
    if (this.#speechRun >= ONSET_FRAMES || (speech && this.talking)) {
      this.talking = true;
      this.#hangoverLeftMs = this.#options.hangoverMs;
    } else if (this.talking) {
      this.#hangoverLeftMs -= this.#options.frameMs;
      if (this.#hangoverLeftMs < 0) this.talking = false;
    }
    if (this.talking && this.score === SILENCE_DB) this.score = this.levelDb;
    else if (this.talking) this.score += (Math.max(this.levelDb, this.#options.thresholdDb - 20) - this.score) * SCORE_SMOOTHING;
    else this.score = SILENCE_DB;
    return this.talking;
  }

  /** Muted or left: not talking, from now. */
  silence(): void {
    this.talking = false;
    this.levelDb = SILENCE_DB;
    this.score = SILENCE_DB;
    this.#speechRun = 0;
    this.#hangoverLeftMs = 0;
  }

  /** A talking change to report now (rate-limited), or null. */
  pendingEvent(nowMs: number): boolean | null {
    if (this.talking === this.#reported || nowMs - this.#lastReportMs < MIN_EVENT_INTERVAL_MS) return null;
    this.#reported = this.talking;
    this.#lastReportMs = nowMs;
    return this.talking;
  }

  close(): void {
    this.#vad?.destroy();
  }
}
