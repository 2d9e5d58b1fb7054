/**
 * One leg: transport (RtpEndpoint) + codec chain (jitter buffer, decoder/PLC,
 * encoder, packetizer) + application + RTCP + statistics.
 *
 * Receive path (per packet, from the socket): latch check → count → DTMF
 * (negotiated telephone-event PT, never into the audio buffer) or audio into
 * the jitter buffer (only while the leg ticks). Tick path (every 20 ms, only
 * while an app or a stage wants it in this direction), in the clock's phases:
 * capture (pull a frame → input stages) → collect (async stage results →
 * app.input) → [rooms mix] → send (app.output → output stages → packetize).
 * RTCP and quality (E-model MOS, `leg.quality`) run in every direction once
 * the leg has parameters (quality/leg-reporting.ts). SRTP, when negotiated,
 * sits in the endpoint: unprotect before parsing, protect after serializing.
 */
import type { Logger } from 'pino';
import type { CompoundPacket, RtpPacket } from 'rtp.js/packets';
import { TelephoneEventReceiver, type DtmfReport, type LocalCodecSettings } from '../codecs/index.js';
import { buildCodecChain, JitterTotals, type CodecChain } from './codec-chain.js';
import { createLegApp, type LegApp } from './leg-app.js';
import type { InputStage, InputStageName, OutputStage, OutputStageName } from './leg-stages.js';
import { LegTicker } from './leg-ticker.js';
import { buildSrtpSession, codecChanged, receives, sameSrtpKeys, validateLegParams } from './leg-params.js';
import type { MediaClock } from './media-clock.js';
import type { PortPair } from './port-pool.js';
import type { EngineEvent, JitterBufferStats, LegApplication, LegParams, LegStats, SrtpParams } from './protocol.js';
import type { QualityInputs } from './quality/leg-quality.js';
import { LegReporting, type ReportingLeg } from './quality/leg-reporting.js';
import type { SenderInfo } from './rtcp-session.js';
import { RtpEndpoint, type SrtpTransform } from './rtp-endpoint.js';
import { RtpTimeoutWatch } from './rtp-timeout.js';
import { createSrtpSession } from './srtp/index.js';
import { fixedJitterBufferStats, ReceptionStats, SendCounters, type ReportBlockValues } from './stats.js';

export interface LegOptions {
  readonly legId: string;
  readonly callId: string;
  readonly pair: PortPair;
  readonly clock: MediaClock;
  readonly jitterBufferMs: number;
  /** Bounds of the adaptive jitter buffer's target delay (config rtp.jitterBuffer); built-in defaults when absent. */
  readonly jitterBuffer?: { readonly minMs: number; readonly maxMs: number };
  /** 0 disables the RTP timeout. */
  readonly timeoutMs: number;
  readonly logger: Logger;
  readonly emit: (event: EngineEvent) => void;
  /** The operator's codec settings (config `codecs`); codec defaults when absent. */
  readonly codecSettings?: LocalCodecSettings;
  /** uint32 source for SSRC/seq/ts (tests make it deterministic). */
  readonly random?: () => number;
  /** Builds the SRTP session for `params.srtp` (default: media/srtp); tests may inject one. */
  readonly createSrtp?: (params: SrtpParams) => SrtpTransform;
}

export class Leg {
  readonly legId: string;
  readonly pair: PortPair;
  readonly #clock: MediaClock;
  readonly #options: LegOptions;
  readonly #log: Logger;
  readonly #endpoint: RtpEndpoint;
  readonly #reporting: LegReporting;
  #srtp: SrtpTransform | null = null;
  readonly #timeout: RtpTimeoutWatch;
  readonly #jitterTotals = new JitterTotals();
  #params: LegParams | null = null;
  #chain: CodecChain | null = null;
  #reception: ReceptionStats | null = null;
  #dtmf: TelephoneEventReceiver | null = null;
  readonly #ticker: LegTicker;
  #dtmfReporter: ((digit: string, durationMs: number) => void) | null = null;
  #mediaStarted = false;
  #closed = false;
  #unknownPayloadType = 0;
  #rxPackets = 0;
  #rxBytes = 0;
  readonly #sent = new SendCounters();

  constructor(options: LegOptions) {
    this.legId = options.legId;
    this.pair = options.pair;
    this.#clock = options.clock;
    this.#options = options;
    this.#log = options.logger.child({ callId: options.callId, legId: options.legId });
    this.#ticker = new LegTicker(options.clock, { chain: () => this.#chain, params: () => this.#params });
    this.#endpoint = new RtpEndpoint(options.pair, {
      onRtp: (packet, bytes) => this.#onRtp(packet, bytes),
      onRtcp: (packet) => this.#onRtcp(packet),
      onLatch: (source) => this.#onLatch(source),
    }, { now: () => this.#clock.now() });
    this.#reporting = new LegReporting(this.#reportingLeg(), { cname: `${options.legId}@voxbridge`, clock: options.clock });
    this.#timeout = new RtpTimeoutWatch(options.clock, (silentMs) => {
      this.#log.info({ silentMs }, 'RTP timeout');
      this.#flushDtmf();
      this.#options.emit({ type: 'leg.rtp-timeout', legId: this.legId, silentMs });
    });
  }

  /** Starts or changes media; rebuilds only what changed, keeping the sockets. */
  update(params: LegParams): void {
    const codec = validateLegParams(params);
    const previous = this.#params;
    const srtp = this.#srtpFor(previous, params);
    if (previous === null || codecChanged(previous, params) || this.#chain === null) {
      const old = this.#chain;
      if (old !== null) {
        this.#jitterTotals.retire(old.jitterBuffer.counters(), old.sampleRate, old.jitterBuffer.stats());
        old.close();
      }
      this.#chain = buildCodecChain(codec, params, {
        targetDelayMs: this.#options.jitterBufferMs,
        // Arrival times on the media clock: the adaptive buffer measures jitter from them.
        now: () => this.#clock.now(),
        ...(this.#options.jitterBuffer !== undefined
          ? { minDelayMs: this.#options.jitterBuffer.minMs, maxDelayMs: this.#options.jitterBuffer.maxMs }
          : {}),
        send: this.#sendRtp,
        continueFrom: old?.packetizer.position() ?? null,
        ...(this.#options.codecSettings !== undefined ? { codecSettings: this.#options.codecSettings } : {}),
        ...(this.#options.random !== undefined ? { random: this.#options.random } : {}),
      });
      if (this.#reception === null || previous?.codec.clockRate !== params.codec.clockRate) {
        this.#reception = new ReceptionStats(params.codec.clockRate);
      }
    }
    if (params.telephoneEvent === null) this.#dtmf = null;
    else if (this.#dtmf === null || previous?.telephoneEvent?.payloadType !== params.telephoneEvent.payloadType) {
      this.#dtmf = new TelephoneEventReceiver();
    }
    this.#params = params;
    this.#srtp = srtp;
    this.#endpoint.configure(params.remote, params.rtcpMux, srtp);
    this.#timeout.start(receives(params.direction) ? this.#options.timeoutMs : 0);
    this.#reporting.start();
    this.#ticker.refresh();
    this.#log.debug({ codec: params.codec.name, ptime: params.ptime, direction: params.direction, remote: params.remote }, 'leg updated');
  }

  attach(app: LegApplication): void {
    this.attachApp(createLegApp(app));
    this.#log.debug({ app: app.kind }, 'leg attached');
  }

  /** Connects the leg to an app built inside the media plane (a room), or to nothing. */
  attachApp(app: LegApp | null): void {
    this.#ticker.setApp(app);
  }

  get app(): LegApp | null {
    return this.#ticker.app;
  }

  /** Installs or (null) removes a named input stage; see leg-stages.ts for the order. */
  setInputStage(name: InputStageName, stage: InputStage | null): void {
    this.#ticker.setInputStage(name, stage);
  }

  setOutputStage(name: OutputStageName, stage: OutputStage | null): void {
    this.#ticker.setOutputStage(name, stage);
  }

  inputStage(name: InputStageName): InputStage | undefined {
    return this.#ticker.inputStage(name);
  }

  outputStage(name: OutputStageName): OutputStage | undefined {
    return this.#ticker.outputStage(name);
  }

  /** The codec half (jitter buffer, packetizer), rebuilt when the codec changes; null before parameters. */
  get chain(): CodecChain | null {
    return this.#chain;
  }

  /** The negotiated parameters, null before the first offer/answer. */
  get params(): LegParams | null {
    return this.#params;
  }

  /** PCM rate of the leg's codec (what stages and apps see), null before parameters. */
  get sampleRate(): number | null {
    return this.#chain?.sampleRate ?? null;
  }

  /** Hands RFC 4733 key presses to `reporter` (media/dtmf's de-duplicator) instead of emitting leg.dtmf. */
  setDtmfReporter(reporter: ((digit: string, durationMs: number) => void) | null): void {
    this.#dtmfReporter = reporter;
  }

  get closed(): boolean {
    return this.#closed;
  }

  stats(): LegStats {
    const chain = this.#chain;
    const jb = chain?.jitterBuffer.counters();
    const totals = this.#jitterTotals;
    const endpoint = this.#endpoint.counters();
    const concealedMs = totals.concealedMs + (jb !== undefined && chain !== null ? (jb.concealedSamples * 1000) / chain.sampleRate : 0);
    const jitterBuffer = this.#jitterBufferStats();
    const rttMs = this.#reporting.rttMs;
    return {
      legId: this.legId,
      rx: {
        packets: this.#rxPackets,
        bytes: this.#rxBytes,
        lost: this.#reception?.lost ?? 0,
        duplicates: totals.duplicates + (jb?.duplicates ?? 0),
        late: totals.late + (jb?.late ?? 0),
        outOfOrder: totals.outOfOrder + (jb?.outOfOrder ?? 0),
        rejectedSource: endpoint.rejectedSource,
        malformed: endpoint.malformed + (this.#dtmf?.malformed ?? 0),
        jitterMs: this.#reception?.jitterMs ?? 0,
        unknownPayloadType: this.#unknownPayloadType,
        srtpRejected: endpoint.srtpRejected,
      },
      tx: { packets: this.#sent.packets, bytes: this.#sent.bytes },
      latchedSource: this.#endpoint.latchedSource,
      jitterBufferMs: jitterBuffer.targetMs,
      jitterBuffer,
      concealedMs,
      remote: this.#reporting.remote(),
      rttMs: rttMs === null ? null : Math.round(rttMs * 10) / 10,
      mos: this.#reporting.mos(),
    };
  }

  /** Stops media and timers, says RTCP BYE; the engine then releases the port pair. Idempotent. */
  close(): LegStats {
    if (!this.#closed) {
      this.#closed = true;
      this.#ticker.close();
      this.#timeout.stop();
      this.#flushDtmf();
      this.#reporting.close();
      this.#endpoint.close();
      this.#chain?.close();
      this.#log.debug('leg closed');
    }
    return this.stats();
  }

  /** The SRTP session for `params`: kept while suite and keys stay (hold keeps the rollover state), else rebuilt. */
  #srtpFor(previous: LegParams | null, params: LegParams): SrtpTransform | null {
    const next = params.srtp ?? null;
    if (next === null) return null;
    if (this.#srtp !== null && sameSrtpKeys(previous?.srtp ?? null, next)) return this.#srtp;
    return buildSrtpSession(next, this.#options.createSrtp ?? createSrtpSession);
  }

  #jitterBufferStats(): JitterBufferStats {
    return this.#jitterTotals.withLive(this.#chain?.jitterBuffer.stats()) ?? fixedJitterBufferStats(this.#options.jitterBufferMs);
  }

  /** What the RTCP/quality reporter reads from this leg, every few seconds. */
  #reportingLeg(): ReportingLeg {
    return {
      legId: this.legId,
      ssrc: (): number | null => this.#chain?.packetizer.ssrc ?? null,
      senderInfo: (): SenderInfo | null => {
        const chain = this.#chain;
        return chain === null ? null : this.#sent.senderInfo(chain.packetizer, chain.clockRate, this.#clock.now());
      },
      receptionBlock: (): ReportBlockValues | null => (this.#reception?.active === true ? this.#reception.reportBlock() : null),
      qualityInputs: (rttMs: number | null): QualityInputs | null => this.#qualityInputs(rttMs),
      clockRate: (): number | null => this.#chain?.clockRate ?? null,
      sendRtcp: (datagram: Uint8Array): void => {
        this.#endpoint.sendRtcp(datagram);
      },
      emit: (event: EngineEvent): void => this.#options.emit(event),
    };
  }

  /** Quality is about what we receive: nothing to judge while the leg does not receive. */
  #qualityInputs(rttMs: number | null): QualityInputs | null {
    const params = this.#params;
    if (params === null || !receives(params.direction)) return null;
    const late = this.#jitterTotals.late + (this.#chain?.jitterBuffer.counters().late ?? 0);
    return {
      codecName: params.codec.name,
      reception: this.#reception,
      late,
      jitterBufferMs: this.#jitterBufferStats().targetMs,
      ptimeMs: params.ptime,
      rttMs,
    };
  }

  /** The packetizer's sink; true tells it the socket still holds `datagram`. */
  readonly #sendRtp = (datagram: Uint8Array): boolean => {
    const outcome = this.#endpoint.sendRtp(datagram);
    if (outcome === 'no-destination') return false;
    this.#sent.count(datagram.length, this.#clock.now());
    return outcome === 'queued';
  };

  #onRtp(packet: RtpPacket, byteLength: number): void {
    const now = this.#clock.now();
    this.#rxPackets++;
    this.#rxBytes += byteLength;
    this.#timeout.touch(now);
    const params = this.#params;
    const chain = this.#chain;
    const reception = this.#reception;
    if (params === null || chain === null || reception === null) return;
    const payloadType = packet.getPayloadType();
    const ssrc = packet.getSsrc();
    const seq = packet.getSequenceNumber();
    const ts = packet.getTimestamp();
    if (params.telephoneEvent !== null && payloadType === params.telephoneEvent.payloadType) {
      reception.onPacket(ssrc, seq, ts, now, false);
      this.#onTelephoneEvent(ts, packet, params.telephoneEvent.clockRate);
      return;
    }
    // Other payload types (comfort noise, unnegotiated codecs) are not ours to play.
    if (payloadType !== chain.payloadType) {
      this.#unknownPayloadType++;
      return;
    }
    reception.onPacket(ssrc, seq, ts, now);
    if (!this.#ticker.ticking) return;
    const payload = packet.getPayload();
    chain.jitterBuffer.push(seq, ts, ssrc, packet.getMarker(), new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength));
  }

  #onTelephoneEvent(ts: number, packet: RtpPacket, clockRate: number): void {
    const payload = packet.getPayload();
    this.#reportDtmf(this.#dtmf?.push(ts, new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength)), clockRate);
  }

  /** A key press whose end packets were all lost is reported when the stream stops or the leg closes. */
  #flushDtmf(): void {
    const clockRate = this.#params?.telephoneEvent?.clockRate;
    if (clockRate !== undefined) this.#reportDtmf(this.#dtmf?.flush(), clockRate);
  }

  #reportDtmf(report: DtmfReport | null | undefined, clockRate: number): void {
    if (report === null || report === undefined) return;
    const durationMs = Math.round((report.durationSamples * 1000) / clockRate);
    if (this.#dtmfReporter !== null) this.#dtmfReporter(report.digit, durationMs);
    else this.#options.emit({ type: 'leg.dtmf', legId: this.legId, digit: report.digit, durationMs, source: 'rfc4733' });
  }

  #onRtcp(packet: CompoundPacket): void {
    this.#timeout.touch(this.#clock.now());
    const received = this.#reporting.receive(packet);
    if (received.bye) this.#log.debug('RTCP BYE received');
  }

  #onLatch(source: string): void {
    this.#log.debug({ source }, 'RTP source latched');
    if (this.#mediaStarted) return;
    this.#mediaStarted = true;
    this.#options.emit({ type: 'leg.media-started', legId: this.legId, source });
  }
}

