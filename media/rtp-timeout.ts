/**
 * The RTP timeout of one leg: fires once when neither RTP nor RTCP arrived
 * for `timeoutMs` since the watch (re)started or the last packet. Costs one
 * timer per leg, re-armed lazily: packets only record their arrival time.
 * After firing it stays quiet until traffic resumes, then watches again.
 */
import type { MediaClock } from './media-clock.js';

export class RtpTimeoutWatch {
  readonly #clock: MediaClock;
  readonly #onTimeout: (silentMs: number) => void;
  #timeoutMs = 0;
  #lastActivity = 0;
  #cancel: (() => void) | null = null;
  #running = false;
  #fired = false;

  constructor(clock: MediaClock, onTimeout: (silentMs: number) => void) {
    this.#clock = clock;
    this.#onTimeout = onTimeout;
  }

  /** Starts (or restarts) watching from now; `timeoutMs` 0 disables. */
  start(timeoutMs: number): void {
    this.stop();
    if (timeoutMs <= 0) return;
    this.#timeoutMs = timeoutMs;
    this.#running = true;
    this.#lastActivity = this.#clock.now();
    this.#arm(timeoutMs);
  }

  stop(): void {
    this.#cancel?.();
    this.#cancel = null;
    this.#running = false;
    this.#fired = false;
  }

  /** Records a packet's arrival (per packet: no timer work unless the timeout had fired). */
  touch(nowMs: number): void {
    this.#lastActivity = nowMs;
    if (this.#fired && this.#running) {
      this.#fired = false;
      this.#arm(this.#timeoutMs);
    }
  }

  #arm(delayMs: number): void {
    this.#cancel = this.#clock.setTimer(delayMs, this.#check);
  }

  readonly #check = (): void => {
    this.#cancel = null;
    if (!this.#running) return;
    const silent = this.#clock.now() - this.#lastActivity;
    if (silent >= this.#timeoutMs) {
      this.#fired = true;
      this.#onTimeout(silent);
      return;
    }
    this.#arm(this.#timeoutMs - silent);
  };
}
