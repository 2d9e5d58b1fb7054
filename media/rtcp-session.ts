/**
 * RTCP for one leg (RFC 3550 §6): builds our compound report (SR when we sent
 * RTP since the previous report, else RR; one reception report block; SDES
 * CNAME) and reads the peer's (its SR's NTP time for our LSR/DLSR, the RTT
 * from its report about us, BYE). Timing stays with the leg: this class only
 * says how long to wait (`nextIntervalMs`, randomised 0.5–1.5 × 5 s).
 */
import {
  ByePacket,
  CompoundPacket,
  ReceiverReportPacket,
  ReceptionReport,
  SdesChunk,
  SdesPacket,
  SenderReportPacket,
  type SdesItemType,
} from 'rtp.js/packets';
import { msToNtpShort, ntpFromUnixMs, ntpMiddle32, ntpShortToMs } from './ntp.js';
import type { ReportBlockValues } from './stats.js';

export const RTCP_INTERVAL_MS = 5000;
const SDES_CNAME = 1 as SdesItemType;

export interface SenderInfo {
  readonly ssrc: number;
  readonly packets: number;
  readonly payloadOctets: number;
  /** RTP timestamp that corresponds to "now" on our stream. */
  readonly rtpTimestamp: number;
}

export interface RtcpSessionOptions {
  readonly cname: string;
  /** Monotonic ms (the media clock), for DLSR. */
  readonly now: () => number;
  /** Wall-clock ms since 1970, for the NTP timestamp of our SRs. */
  readonly wallClockMs?: () => number;
  /** [0, 1) source for the interval randomisation. */
  readonly random?: () => number;
}

export interface RtcpReceived {
  /** The peer said BYE. */
  readonly bye: boolean;
  /** Sender or receiver reports in the packet. */
  readonly reports: number;
}

/** What the far end's last report block about our stream said. */
export interface RemoteReport {
  /** Loss in its last interval, fixed point /256. */
  readonly fractionLost: number;
  readonly cumulativeLost: number;
  /** Interarrival jitter it measured, in our RTP timestamp units. */
  readonly jitter: number;
}

export class RtcpSession {
  readonly #cname: string;
  readonly #now: () => number;
  readonly #wallClockMs: () => number;
  readonly #random: () => number;
  /** Middle 32 bits of the peer's last SR NTP time, and when (monotonic ms) it arrived. */
  #lastSr = 0;
  #lastSrAt = 0;
  #haveSr = false;
  #packetsAtLastReport = 0;
  #rttMs: number | null = null;
  #remoteReport: RemoteReport | null = null;
  #reportsSent = 0;
  #reportsReceived = 0;
  #byeReceived = false;

  constructor(options: RtcpSessionOptions) {
    this.#cname = options.cname;
    this.#now = options.now;
    this.#wallClockMs = options.wallClockMs ?? Date.now;
    this.#random = options.random ?? Math.random;
  }

  /** Round-trip time from the peer's last report about our stream, if it gave one. */
  get rttMs(): number | null {
    return this.#rttMs;
  }

  /** The far end's last reception report about our stream, null until one arrived. */
  get remoteReport(): RemoteReport | null {
    return this.#remoteReport;
  }

  get reportsSent(): number {
    return this.#reportsSent;
  }

  get reportsReceived(): number {
    return this.#reportsReceived;
  }

  get byeReceived(): boolean {
    return this.#byeReceived;
  }

  /** RFC 3550 §6.3.1: the interval times a random factor in [0.5, 1.5). */
  nextIntervalMs(): number {
    return RTCP_INTERVAL_MS * (0.5 + this.#random());
  }

  /** Reads a compound packet from the peer; `ourSsrc` finds its report about us. */
  receive(packet: CompoundPacket, ourSsrc: number | null): RtcpReceived {
    let reports = 0;
    let bye = false;
    for (const part of packet.getPackets()) {
      if (part instanceof SenderReportPacket) {
        reports++;
        this.#lastSr = ntpMiddle32({ seconds: part.getNtpSeconds(), fraction: part.getNtpFraction() });
        this.#lastSrAt = this.#now();
        this.#haveSr = true;
        this.#readBlocks(part.getReports(), ourSsrc);
      } else if (part instanceof ReceiverReportPacket) {
        reports++;
        this.#readBlocks(part.getReports(), ourSsrc);
      } else if (part instanceof ByePacket) {
        bye = true;
      }
    }
    this.#reportsReceived += reports;
    if (bye) this.#byeReceived = true;
    return { bye, reports };
  }

  /**
   * Our next compound report: SR when `sender` sent packets since the last
   * report, otherwise RR (from `reporterSsrc`); `block` is our reception report
   * about the peer, null before we heard from it.
   */
  buildReport(reporterSsrc: number, sender: SenderInfo | null, block: ReportBlockValues | null): Uint8Array {
    const compound = new CompoundPacket();
    const reportBlock = block === null ? null : this.#reportBlock(block);
    if (sender !== null && sender.packets > this.#packetsAtLastReport) {
      this.#packetsAtLastReport = sender.packets;
      const sr = new SenderReportPacket();
      const ntp = ntpFromUnixMs(this.#wallClockMs());
      sr.setSsrc(sender.ssrc);
      sr.setNtpSeconds(ntp.seconds);
      sr.setNtpFraction(ntp.fraction);
      sr.setRtpTimestamp(sender.rtpTimestamp >>> 0);
      sr.setPacketCount(sender.packets >>> 0);
      sr.setOctetCount(sender.payloadOctets >>> 0);
      if (reportBlock !== null) sr.addReport(reportBlock);
      compound.addPacket(sr);
    } else {
      const rr = new ReceiverReportPacket();
      rr.setSsrc(reporterSsrc);
      if (reportBlock !== null) rr.addReport(reportBlock);
      compound.addPacket(rr);
    }
    compound.addPacket(this.#sdes(reporterSsrc));
    this.#reportsSent++;
    return serialize(compound);
  }

  /** RR + SDES + BYE, sent when the leg closes. */
  buildBye(reporterSsrc: number, reason?: string): Uint8Array {
    const compound = new CompoundPacket();
    const rr = new ReceiverReportPacket();
    rr.setSsrc(reporterSsrc);
    compound.addPacket(rr);
    compound.addPacket(this.#sdes(reporterSsrc));
    const bye = new ByePacket();
    bye.addSsrc(reporterSsrc);
    if (reason !== undefined) bye.setReason(reason);
    compound.addPacket(bye);
    return serialize(compound);
  }

  #sdes(ssrc: number): SdesPacket {
    const chunk = new SdesChunk();
    chunk.setSsrc(ssrc);
    chunk.addItem(SDES_CNAME, this.#cname);
    const sdes = new SdesPacket();
    sdes.addChunk(chunk);
    return sdes;
  }

  #reportBlock(values: ReportBlockValues): ReceptionReport {
    const report = new ReceptionReport();
    report.setSsrc(values.ssrc);
    report.setFractionLost(values.fractionLost);
    report.setTotalLost(values.cumulativeLost);
    report.setHighestSeqNumber(values.extendedHighestSeq);
    report.setJitter(values.jitter);
    if (this.#haveSr) {
      report.setLastSRTimestamp(this.#lastSr);
      report.setDelaySinceLastSR(msToNtpShort(this.#now() - this.#lastSrAt));
    }
    return report;
  }

  /** RFC 3550 §6.4.1: RTT = A - LSR - DLSR, all in 1/65536 s, A being now. */
  #readBlocks(blocks: readonly ReceptionReport[], ourSsrc: number | null): void {
    if (ourSsrc === null) return;
    for (const block of blocks) {
      if (block.getSsrc() !== ourSsrc) continue;
      this.#remoteReport = { fractionLost: block.getFractionLost(), cumulativeLost: block.getTotalLost(), jitter: block.getJitter() };
      if (block.getLastSRTimestamp() === 0) continue;
      const arrival = ntpMiddle32(ntpFromUnixMs(this.#wallClockMs()));
      const rtt = (arrival - block.getLastSRTimestamp() - block.getDelaySinceLastSR()) >>> 0;
      // A negative result (clock skew) wraps to a huge value: ignore it.
      if (rtt < 0x8000_0000) this.#rttMs = ntpShortToMs(rtt);
    }
  }
}

function serialize(compound: CompoundPacket): Uint8Array {
  const view = compound.getView();
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}
