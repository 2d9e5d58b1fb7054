/**
 * One leg's receive quality: at each evaluation (every RTCP interval) the
 * loss, burstiness and late packets of the window since the previous one,
 * with the delay the listener experiences, go through the E-model; the
 * QualityMonitor turns the MOS into a level change. Pure bookkeeping on
 * counters the leg already keeps: nothing here runs per packet.
 */
import type { QualityLevel } from '../protocol.js';
import type { ReceptionStats } from '../stats.js';
import { burstRatio, codecImpairment, eModel } from './e-model.js';
import { QualityMonitor } from './quality-monitor.js';

export interface QualityInputs {
  readonly codecName: string;
  readonly reception: ReceptionStats | null;
  /** Packets the jitter buffer dropped as too late so far (cumulative). */
  readonly late: number;
  /** Playout delay the jitter buffer adds now (ms). */
  readonly jitterBufferMs: number;
  /** The far end's packet time (ms): a packet's first sample waited this long to be sent. */
  readonly ptimeMs: number;
  readonly rttMs: number | null;
}

export interface QualityEvaluation {
  readonly mos: number;
  readonly lossPercent: number;
  readonly jitterMs: number;
  /** The new level when the band changed at this evaluation, else null. */
  readonly change: QualityLevel | null;
}

interface Counts {
  ssrc: number;
  expected: number;
  received: number;
  bursts: number;
  late: number;
}

const ZERO: Counts = { ssrc: 0, expected: 0, received: 0, bursts: 0, late: 0 };

export class LegQuality {
  readonly #monitor: QualityMonitor;
  #prior: Counts = { ...ZERO };
  #lastMos: number | null = null;

  constructor(monitor = new QualityMonitor()) {
    this.#monitor = monitor;
  }

  get level(): QualityLevel {
    return this.#monitor.level;
  }

  /** MOS of the last evaluated window, null before one had media. */
  get lastMos(): number | null {
    return this.#lastMos;
  }

  /** Closes the current window; null when it had no media (hold, silence, not started). */
  evaluate(inputs: QualityInputs): QualityEvaluation | null {
    const now = countsOf(inputs);
    if (now === null) return null;
    // A restarted source (new SSRC or sequence) starts its counts over.
    const prior = now.ssrc === this.#prior.ssrc && now.expected >= this.#prior.expected ? this.#prior : { ...ZERO, late: this.#prior.late };
    const expected = now.expected - prior.expected;
    if (expected <= 0) return null;
    this.#prior = now;
    const received = now.received - prior.received;
    const late = Math.max(0, now.late - prior.late);
    const result = this.#estimate(inputs, expected, received, now.bursts - prior.bursts, late);
    this.#lastMos = result.mos;
    return { ...result, change: this.#monitor.evaluate(result.mos) };
  }

  /** The MOS for stats: the last window's, else (before the first evaluation) the whole call so far. */
  current(inputs: QualityInputs): number | null {
    if (this.#lastMos !== null) return this.#lastMos;
    const now = countsOf(inputs);
    if (now === null || now.expected <= 0) return null;
    return this.#estimate(inputs, now.expected, now.received, now.bursts, now.late).mos;
  }

  #estimate(inputs: QualityInputs, expected: number, received: number, bursts: number, late: number): { mos: number; lossPercent: number; jitterMs: number } {
    const networkLost = Math.max(0, expected - received);
    const lossPercent = Math.min(100, (100 * (networkLost + late)) / expected);
    const jitterMs = inputs.reception?.jitterMs ?? 0;
    const oneWayDelayMs = (inputs.rttMs ?? 0) / 2 + inputs.jitterBufferMs + inputs.ptimeMs;
    const { mos } = eModel({
      codec: codecImpairment(inputs.codecName),
      oneWayDelayMs,
      lossPercent,
      burstRatio: burstRatio(received, networkLost, bursts),
    });
    return { mos: Math.round(mos * 100) / 100, lossPercent, jitterMs };
  }
}

function countsOf(inputs: QualityInputs): Counts | null {
  const reception = inputs.reception;
  if (reception === null || !reception.active) return null;
  return {
    ssrc: reception.ssrc,
    expected: reception.expected,
    received: reception.received,
    bursts: reception.lossBursts,
    late: inputs.late,
  };
}
