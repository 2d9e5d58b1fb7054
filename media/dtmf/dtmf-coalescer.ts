/**
 * One leg's DTMF as one event stream. The same key press can reach us up to
 * three ways: RFC 4733 packets, a SIP INFO from the signalling layer, and the
 * tones themselves in the audio (in-band). A report that matches a press
 * already emitted — same digit, a different source, time spans within
 * `windowMs` of each other — is a duplicate and is only counted; otherwise it
 * is emitted at once with its own source (so the first source wins).
 *
 * Two presses of the same key through one source are always two presses;
 * each source can match a given press once.
 */
import type { DtmfSource } from '../protocol.js';

/** How far apart two reports of one press may lie (start/end to start/end). */
export const DTMF_DEDUPE_WINDOW_MS = 250;
/** Presses older than this (past their end) can no longer be matched. */
const FORGET_AFTER_MS = 2000;

const SOURCE_BIT: Readonly<Record<DtmfSource, number>> = { rfc4733: 1, info: 2, inband: 4 };

/**
 * When the press a report describes happened: RFC 4733 and in-band report at
 * the key's release; an INFO may be sent at press or release, so its span
 * covers both readings.
 */
const SPAN: Readonly<Record<DtmfSource, (nowMs: number, durationMs: number) => readonly [number, number]>> = {
  rfc4733: (now, d) => [now - d, now],
  inband: (now, d) => [now - d, now],
  info: (now, d) => [now - d, now + d],
};

interface Press {
  readonly digit: string;
  readonly startMs: number;
  readonly endMs: number;
  /** Sources already matched to this press (SOURCE_BIT mask). */
  sources: number;
}

export type DtmfEmit = (digit: string, durationMs: number, source: DtmfSource) => void;

export interface DtmfCoalescerStats {
  emitted: number;
  duplicates: number;
}

export class DtmfCoalescer {
  readonly stats: DtmfCoalescerStats = { emitted: 0, duplicates: 0 };
  readonly #emit: DtmfEmit;
  readonly #windowMs: number;
  #recent: Press[] = [];

  constructor(emit: DtmfEmit, windowMs = DTMF_DEDUPE_WINDOW_MS) {
    this.#emit = emit;
    this.#windowMs = windowMs;
  }

  /** A key press seen by `source` (reported at `nowMs`); returns true when it was emitted. */
  report(digit: string, durationMs: number, source: DtmfSource, nowMs: number): boolean {
    const key = digit.toUpperCase();
    const [startMs, endMs] = SPAN[source](nowMs, Math.max(0, durationMs));
    this.#forget(nowMs);
    const bit = SOURCE_BIT[source];
    const w = this.#windowMs;
    for (const press of this.#recent) {
      if (press.digit !== key || (press.sources & bit) !== 0) continue;
      if (press.startMs - w <= endMs && startMs - w <= press.endMs) {
        press.sources |= bit;
        this.stats.duplicates++;
        return false;
      }
    }
    this.#recent.push({ digit: key, startMs, endMs, sources: bit });
    this.stats.emitted++;
    this.#emit(key, Math.round(durationMs), source);
    return true;
  }

  #forget(nowMs: number): void {
    const limit = nowMs - FORGET_AFTER_MS - this.#windowMs;
    if (this.#recent.length > 0 && (this.#recent[0]?.endMs ?? 0) < limit) this.#recent = this.#recent.filter((p) => p.endMs >= limit);
  }
}
