/**
 * A leg's RTCP and quality duties, on the RTCP interval (randomised around
 * 5 s, RFC 3550 §6.3.1): build and send our SR/RR, read the far end's
 * reports (RTT, what it says about our stream), and evaluate the receive
 * quality (E-model MOS), emitting `leg.quality` when the MOS band changes.
 * Nothing here runs per packet.
 */
import type { CompoundPacket } from 'rtp.js/packets';
import type { MediaClock } from '../media-clock.js';
import type { EngineEvent, LegStats } from '../protocol.js';
import { RtcpSession, type RtcpReceived, type SenderInfo } from '../rtcp-session.js';
import type { ReportBlockValues } from '../stats.js';
import { LegQuality, type QualityInputs } from './leg-quality.js';

/** What the leg provides at each report; every method may answer null (no codec yet, nothing received). */
export interface ReportingLeg {
  readonly legId: string;
  ssrc(): number | null;
  senderInfo(): SenderInfo | null;
  receptionBlock(): ReportBlockValues | null;
  qualityInputs(rttMs: number | null): QualityInputs | null;
  /** Our RTP clock rate, to turn the far end's jitter into ms. */
  clockRate(): number | null;
  sendRtcp(datagram: Uint8Array): void;
  emit(event: EngineEvent): void;
}

export interface LegReportingOptions {
  readonly cname: string;
  readonly clock: MediaClock;
  readonly random?: () => number;
  readonly wallClockMs?: () => number;
}

export class LegReporting {
  readonly #leg: ReportingLeg;
  readonly #clock: MediaClock;
  readonly #session: RtcpSession;
  readonly #quality = new LegQuality();
  #cancel: (() => void) | null = null;
  #closed = false;

  constructor(leg: ReportingLeg, options: LegReportingOptions) {
    this.#leg = leg;
    this.#clock = options.clock;
    this.#session = new RtcpSession({
      cname: options.cname,
      now: () => options.clock.now(),
      ...(options.random !== undefined ? { random: options.random } : {}),
      ...(options.wallClockMs !== undefined ? { wallClockMs: options.wallClockMs } : {}),
    });
  }

  get session(): RtcpSession {
    return this.#session;
  }

  get rttMs(): number | null {
    return this.#session.rttMs;
  }

  /** Starts the report timer (once the leg has parameters); idempotent. */
  start(): void {
    if (this.#cancel === null && !this.#closed) this.#cancel = this.#clock.setTimer(this.#session.nextIntervalMs(), this.#onInterval);
  }

  receive(packet: CompoundPacket): RtcpReceived {
    return this.#session.receive(packet, this.#leg.ssrc());
  }

  /** The far end's view of our stream, for LegStats.remote. */
  remote(): LegStats['remote'] {
    const report = this.#session.remoteReport;
    const clockRate = this.#leg.clockRate();
    if (report === null || clockRate === null) return null;
    return {
      lossFraction: report.fractionLost / 256,
      cumulativeLost: report.cumulativeLost,
      jitterMs: (report.jitter * 1000) / clockRate,
    };
  }

  /** MOS for stats: the last evaluated window's, or the call so far before the first evaluation. */
  mos(): number | null {
    const inputs = this.#leg.qualityInputs(this.#session.rttMs);
    return inputs === null ? this.#quality.lastMos : this.#quality.current(inputs);
  }

  /** Says RTCP BYE and stops the timer. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#cancel?.();
    this.#cancel = null;
    const ssrc = this.#leg.ssrc();
    if (ssrc !== null) this.#leg.sendRtcp(this.#session.buildBye(ssrc, 'leg closed'));
  }

  readonly #onInterval = (): void => {
    this.#cancel = null;
    if (this.#closed) return;
    const ssrc = this.#leg.ssrc();
    if (ssrc !== null) this.#leg.sendRtcp(this.#session.buildReport(ssrc, this.#leg.senderInfo(), this.#leg.receptionBlock()));
    this.#evaluateQuality();
    this.start();
  };

  #evaluateQuality(): void {
    const rttMs = this.#session.rttMs;
    const inputs = this.#leg.qualityInputs(rttMs);
    if (inputs === null) return;
    const result = this.#quality.evaluate(inputs);
    if (result === null || result.change === null) return;
    this.#leg.emit({
      type: 'leg.quality',
      legId: this.#leg.legId,
      level: result.change,
      mos: result.mos,
      lossPercent: Math.round(result.lossPercent * 100) / 100,
      jitterMs: Math.round(result.jitterMs * 10) / 10,
      rttMs: rttMs === null ? null : Math.round(rttMs),
    });
  }
}
