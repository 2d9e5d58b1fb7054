/**
 * The load generator's figures for a measuring window: totals, per-stream
 * spreads, and the echo accounting that separates frames the server lost
 * from frames the generator itself sent too late to count.
 */
import type { LatenessSummary } from '../../media/media-clock.js';
import type { EchoLedger } from './echo-ledger.js';
import type { GeneratorTiming } from './rtp-load-generator.js';
import { zeroCounters, type LoadStream, type StreamCounters } from './load-stream.js';

export interface Spread {
  readonly mean: number;
  readonly min: number;
  readonly max: number;
}

export interface EchoAccounting {
  /** Marked frames sent in the window (not skipped) by streams that were sending. */
  readonly sent: number;
  /** Of those, frames that came back. */
  readonly returned: number;
  /** Frames that did not come back although the generator sent them on time: the server's loss. */
  readonly serverMissing: number;
  /** Frames that did not come back and had been sent more than `generatorLateMs` late. */
  readonly missingAfterGeneratorLate: number;
  /** Streams with at least one server-missing frame. */
  readonly streamsWithLoss: number;
}

export interface LoadReport {
  readonly streams: number;
  /** Streams that sent in the window. */
  readonly activeStreams: number;
  readonly windowSeconds: number;
  readonly totals: StreamCounters;
  /**
   * Packets missing by count: Σ over streams of max(0, packets sent − RTP
   * packets received back). Counts packets the server dropped or never sent
   * (a skipped tick), whatever their content.
   */
  readonly packetDeficit: number;
  readonly perStream: { readonly packetsOut: Spread; readonly packetsIn: Spread; readonly seqLost: Spread; readonly late: Spread };
  /** null when the codec cannot carry a frame marker (not G.711). */
  readonly echo: EchoAccounting | null;
  /** Round trip of echoed frames in the window (ms): generator send → server → back. */
  readonly roundTrip: LatenessSummary;
  readonly generator: GeneratorTiming;
}

export interface SummaryInput {
  readonly streams: readonly LoadStream[];
  readonly ledger: EchoLedger | null;
  readonly fromTick: number;
  readonly toTick: number;
  readonly slots: number;
  readonly batchLateness: Float32Array;
  readonly generatorLateMs: number;
  readonly timing: GeneratorTiming;
  readonly roundTrip: LatenessSummary;
}

function spread(values: readonly number[]): Spread {
  if (values.length === 0) return { mean: 0, min: 0, max: 0 };
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { mean: Math.round((sum / values.length) * 100) / 100, min, max };
}

function addCounters(into: StreamCounters, from: StreamCounters): void {
  for (const key of Object.keys(into) as (keyof StreamCounters)[]) into[key] += from[key];
}

function accountEcho(input: SummaryInput, ledger: EchoLedger, active: readonly LoadStream[]): EchoAccounting {
  let sent = 0;
  let returned = 0;
  let serverMissing = 0;
  let lateMissing = 0;
  let streamsWithLoss = 0;
  for (const stream of active) {
    const from = Math.max(input.fromTick, stream.startTick);
    const to = Math.min(input.toTick, stream.stopTick);
    let lost = 0;
    for (let tick = from; tick < to; tick++) {
      const sentLate = input.batchLateness[tick * input.slots + stream.slot];
      if (sentLate === undefined || Number.isNaN(sentLate)) continue; // skipped or never reached
      sent++;
      if (ledger.has(stream.index, tick)) returned++;
      else if (sentLate > input.generatorLateMs) lateMissing++;
      else lost++;
    }
    serverMissing += lost;
    if (lost > 0) streamsWithLoss++;
  }
  return { sent, returned, serverMissing, missingAfterGeneratorLate: lateMissing, streamsWithLoss };
}

export function summarize(input: SummaryInput): LoadReport {
  const active = input.streams.filter((s) => s.counters.packetsOut > 0);
  const totals = input.streams.reduce((sum, s) => {
    addCounters(sum, s.counters);
    return sum;
  }, zeroCounters());
  return {
    streams: input.streams.length,
    activeStreams: active.length,
    windowSeconds: Math.max(0, ((input.toTick - input.fromTick) * 20) / 1000),
    totals,
    packetDeficit: active.reduce((sum, s) => sum + Math.max(0, s.counters.packetsOut - s.counters.packetsIn), 0),
    perStream: {
      packetsOut: spread(active.map((s) => s.counters.packetsOut)),
      packetsIn: spread(active.map((s) => s.counters.packetsIn)),
      seqLost: spread(active.map((s) => s.counters.seqLost)),
      late: spread(active.map((s) => s.counters.late)),
    },
    echo: input.ledger === null ? null : accountEcho(input, input.ledger, active),
    roundTrip: input.roundTrip,
    generator: input.timing,
  };
}
