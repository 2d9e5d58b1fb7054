/**
 * One leg: transport (RtpEndpoint) + codec chain (jitter buffer, decoder/PLC,
 * encoder, packetizer) + application + RTCP + statistics.
 *
 * Receive path (per packet, from the socket): latch check → count → DTMF
 * (negotiated telephone-event PT, never into the audio buffer) or audio into
 * the jitter buffer (only while the leg ticks). Tick path (every 20 ms, only
 * while an app wants it in this direction): pull a frame → app → packetize →
 * send. RTCP runs in every direction once the leg has parameters.
 */
import type { Logger } from 'pino';
import type { CompoundPacket, RtpPacket } from 'rtp.js/packets';
import { TelephoneEventReceiver, type DtmfReport, type LocalCodecSettings } from '../codecs/index.js';
import { buildCodecChain, JitterTotals, type CodecChain } from './codec-chain.js';
import { createLegApp, type LegApp } from './leg-app.js';
import { codecChanged, receives, sends, validateLegParams } from './leg-params.js';
import type { ClockTick, MediaClock } from './media-clock.js';
import type { PortPair } from './port-pool.js';
import type { EngineEvent, LegApplication, LegParams, LegStats } from './protocol.js';
import { RtcpSession } from './rtcp-session.js';
import { RtpEndpoint } from './rtp-endpoint.js';
import { RtpTimeoutWatch } from './rtp-timeout.js';
import { ReceptionStats } from './stats.js';

/** Our packets carry no CSRCs or extensions. */
const RTP_HEADER_BYTES = 12;

export interface LegOptions {
  readonly legId: string;
  readonly callId: string;
  readonly pair: PortPair;
  readonly clock: MediaClock;
  readonly jitterBufferMs: number;
  /** 0 disables the RTP timeout. */
  readonly timeoutMs: number;
  readonly logger: Logger;
  readonly emit: (event: EngineEvent) => void;
  /** The operator's codec settings (config `codecs`); codec defaults when absent. */
  readonly codecSettings?: LocalCodecSettings;
  /** uint32 source for SSRC/seq/ts (tests make it deterministic). */
  readonly random?: () => number;
}

export class Leg {
  readonly legId: string;
  readonly pair: PortPair;
  readonly #clock: MediaClock;
  readonly #options: LegOptions;
  readonly #log: Logger;
  readonly #endpoint: RtpEndpoint;
  readonly #rtcp: RtcpSession;
  readonly #timeout: RtpTimeoutWatch;
  readonly #jitterTotals = new JitterTotals();
  #params: LegParams | null = null;
  #chain: CodecChain | null = null;
  #reception: ReceptionStats | null = null;
  #dtmf: TelephoneEventReceiver | null = null;
  #app: LegApp | null = null;
  #stopTicking: (() => void) | null = null;
  #stoppedTickingAt: number | null = null;
  #cancelRtcp: (() => void) | null = null;
  #mediaStarted = false;
  #closed = false;
  #rxPackets = 0;
  #rxBytes = 0;
  #txPackets = 0;
  #txBytes = 0;
  #txPayloadOctets = 0;
  #lastSentAt = 0;

  constructor(options: LegOptions) {
    this.legId = options.legId;
    this.pair = options.pair;
    this.#clock = options.clock;
    this.#options = options;
    this.#log = options.logger.child({ callId: options.callId, legId: options.legId });
    this.#endpoint = new RtpEndpoint(options.pair, {
      onRtp: (packet, bytes) => this.#onRtp(packet, bytes),
      onRtcp: (packet) => this.#onRtcp(packet),
      onLatch: (source) => this.#onLatch(source),
    });
    this.#rtcp = new RtcpSession({ cname: `${options.legId}@voxbridge`, now: () => this.#clock.now() });
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
    if (previous === null || codecChanged(previous, params) || this.#chain === null) {
      const old = this.#chain;
      if (old !== null) {
        this.#jitterTotals.retire(old.jitterBuffer.counters(), old.sampleRate);
        old.close();
      }
      this.#chain = buildCodecChain(codec, params, {
        targetDelayMs: this.#options.jitterBufferMs,
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
    this.#endpoint.configure(params.remote, params.rtcpMux);
    this.#timeout.start(receives(params.direction) ? this.#options.timeoutMs : 0);
    if (this.#cancelRtcp === null) this.#scheduleRtcp();
    this.#refreshTicking();
    this.#log.debug({ codec: params.codec.name, ptime: params.ptime, direction: params.direction, remote: params.remote }, 'leg updated');
  }

  attach(app: LegApplication): void {
    this.#app = createLegApp(app);
    this.#refreshTicking();
    this.#log.debug({ app: app.kind }, 'leg attached');
  }

  stats(): LegStats {
    const chain = this.#chain;
    const jb = chain?.jitterBuffer.counters();
    const totals = this.#jitterTotals;
    const endpoint = this.#endpoint.counters();
    const concealedMs = totals.concealedMs + (jb !== undefined && chain !== null ? (jb.concealedSamples * 1000) / chain.sampleRate : 0);
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
      },
      tx: { packets: this.#txPackets, bytes: this.#txBytes },
      latchedSource: this.#endpoint.latchedSource,
      jitterBufferMs: this.#options.jitterBufferMs,
      concealedMs,
    };
  }

  /** Stops media and timers, says RTCP BYE; the engine then releases the port pair. Idempotent. */
  close(): LegStats {
    if (!this.#closed) {
      this.#closed = true;
      this.#stopTicking?.();
      this.#stopTicking = null;
      this.#timeout.stop();
      this.#cancelRtcp?.();
      this.#cancelRtcp = null;
      this.#flushDtmf();
      if (this.#params !== null) this.#endpoint.sendRtcp(this.#rtcp.buildBye(this.#ssrc(), 'leg closed'));
      this.#endpoint.close();
      this.#chain?.close();
      this.#log.debug('leg closed');
    }
    return this.stats();
  }

  #ssrc(): number {
    return this.#chain?.packetizer.ssrc ?? 0;
  }

  /** Subscribes to the clock only while the app wants ticks in the current direction. */
  #refreshTicking(): void {
    const params = this.#params;
    const want = !this.#closed && params !== null && this.#app !== null && this.#app.wantsTicks(params.direction);
    if (want && this.#stopTicking === null) {
      const chain = this.#chain;
      chain?.jitterBuffer.reset();
      // Keep the RTP timestamp in step with wall time across a hold.
      if (chain !== null && this.#stoppedTickingAt !== null) {
        chain.packetizer.silence(Math.round((this.#clock.now() - this.#stoppedTickingAt) / this.#clock.frameMs));
      }
      this.#stopTicking = this.#clock.onTick(this.#onTick);
    } else if (!want && this.#stopTicking !== null) {
      this.#stopTicking();
      this.#stopTicking = null;
      this.#stoppedTickingAt = this.#clock.now();
    }
  }

  readonly #onTick = (tick: ClockTick): void => {
    const chain = this.#chain;
    const app = this.#app;
    if (chain === null || app === null) return;
    if (tick.missed > 0) {
      chain.jitterBuffer.skip(tick.missed);
      chain.packetizer.silence(tick.missed);
    }
    const kind = chain.jitterBuffer.pull(chain.frame);
    const out = app.process(chain.frame, kind);
    if (out !== null && this.#params !== null && sends(this.#params.direction)) chain.packetizer.push(out);
    else chain.packetizer.silence(1);
  };

  /** The packetizer's sink; true tells it the socket still holds `datagram`. */
  readonly #sendRtp = (datagram: Uint8Array): boolean => {
    const outcome = this.#endpoint.sendRtp(datagram);
    if (outcome === 'no-destination') return false;
    this.#txPackets++;
    this.#txBytes += datagram.length;
    this.#txPayloadOctets += datagram.length - RTP_HEADER_BYTES;
    this.#lastSentAt = this.#clock.now();
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
    if (payloadType !== chain.payloadType) return;
    reception.onPacket(ssrc, seq, ts, now);
    if (this.#stopTicking === null) return;
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
    this.#options.emit({ type: 'leg.dtmf', legId: this.legId, digit: report.digit, durationMs });
  }

  #onRtcp(packet: CompoundPacket): void {
    this.#timeout.touch(this.#clock.now());
    const received = this.#rtcp.receive(packet, this.#chain === null ? null : this.#ssrc());
    if (received.bye) this.#log.debug('RTCP BYE received');
  }

  #onLatch(source: string): void {
    this.#log.debug({ source }, 'RTP source latched');
    if (this.#mediaStarted) return;
    this.#mediaStarted = true;
    this.#options.emit({ type: 'leg.media-started', legId: this.legId, source });
  }

  #scheduleRtcp(): void {
    this.#cancelRtcp = this.#clock.setTimer(this.#rtcp.nextIntervalMs(), this.#sendRtcpReport);
  }

  readonly #sendRtcpReport = (): void => {
    this.#cancelRtcp = null;
    if (this.#closed) return;
    const chain = this.#chain;
    if (chain !== null) {
      const packetizer = chain.packetizer;
      const elapsedTs = Math.round(((this.#clock.now() - this.#lastSentAt) * chain.clockRate) / 1000);
      const sender = {
        ssrc: packetizer.ssrc,
        packets: this.#txPackets,
        payloadOctets: this.#txPayloadOctets,
        rtpTimestamp: (packetizer.lastSentTs + elapsedTs) >>> 0,
      };
      const block = this.#reception?.active === true ? this.#reception.reportBlock() : null;
      this.#endpoint.sendRtcp(this.#rtcp.buildReport(packetizer.ssrc, sender, block));
    }
    this.#scheduleRtcp();
  };
}
