/**
 * The codec-dependent half of a leg, rebuilt when the codec or ptime changes
 * (re-INVITE) while sockets, latch, SSRC and counters stay: decoder + jitter
 * buffer on the way in, encoder + packetizer on the way out.
 */
import type { CodecOptions, LocalCodecSettings } from '../codecs/index.js';
import type { JitterBufferStats, LegParams } from './protocol.js';
import type { ResolvedCodec } from './leg-params.js';
import { JitterBuffer, type JitterBufferCounters } from './jitter-buffer.js';
import { Packetizer, type StreamPosition } from './packetizer.js';

export interface CodecChain {
  readonly payloadType: number;
  readonly clockRate: number;
  readonly sampleRate: number;
  readonly jitterBuffer: JitterBuffer;
  readonly packetizer: Packetizer;
  /** The 20 ms frame the tick pulls into (reused every tick). */
  readonly frame: Int16Array;
  /** Frees the codec state (WASM memory for Opus); the chain is unusable afterwards. */
  close(): void;
}

export interface CodecChainOptions {
  /** The jitter buffer's start delay. */
  readonly targetDelayMs: number;
  /** Bounds of its adaptive target (config `rtp.jitterBuffer`); jitter-buffer defaults when absent. */
  readonly minDelayMs?: number;
  readonly maxDelayMs?: number;
  /** The receiver's clock in ms (the media clock's `now`); absent: the buffer counts its pulls. */
  readonly now?: () => number;
  readonly send: (datagram: Uint8Array) => boolean;
  /** The outgoing stream to continue (same SSRC, next seq/ts); null starts a random one. */
  readonly continueFrom: StreamPosition | null;
  /** The operator's codec settings; each encoder applies its own, capped by the far end's fmtp. */
  readonly codecSettings?: LocalCodecSettings;
  readonly random?: () => number;
}

export function buildCodecChain(codec: ResolvedCodec, params: LegParams, options: CodecChainOptions): CodecChain {
  const { descriptor } = codec;
  const codecOptions: CodecOptions = {
    fmtp: params.codec.fmtp,
    ptime: params.ptime,
    ...(options.codecSettings !== undefined ? { localSettings: options.codecSettings } : {}),
  };
  const decoder = codec.createDecoder(codecOptions);
  const encoder = codec.createEncoder(codecOptions);
  const jitterBuffer = new JitterBuffer({
    clockRate: params.codec.clockRate,
    sampleRate: descriptor.sampleRate,
    targetDelayMs: options.targetDelayMs,
    decoder,
    ...(options.minDelayMs !== undefined ? { minDelayMs: options.minDelayMs } : {}),
    ...(options.maxDelayMs !== undefined ? { maxDelayMs: options.maxDelayMs } : {}),
    ...(options.now !== undefined ? { now: options.now } : {}),
  });
  const packetizer = new Packetizer({
    encoder,
    payloadType: params.codec.payloadType,
    clockRate: params.codec.clockRate,
    sampleRate: descriptor.sampleRate,
    ptime: params.ptime,
    send: options.send,
    ...(options.continueFrom !== null ? { continueFrom: options.continueFrom } : {}),
    ...(options.random !== undefined ? { random: options.random } : {}),
  });
  return {
    payloadType: params.codec.payloadType,
    clockRate: params.codec.clockRate,
    sampleRate: descriptor.sampleRate,
    jitterBuffer,
    packetizer,
    frame: new Int16Array(jitterBuffer.samplesPerFrame),
    close() {
      decoder.close?.();
      encoder.close?.();
    },
  };
}

/** Running totals of jitter-buffer counters across rebuilt chains. */
export class JitterTotals {
  late = 0;
  duplicates = 0;
  outOfOrder = 0;
  /** Concealed time of retired chains, in ms (their sample rates may differ). */
  concealedMs = 0;
  acceleratedMs = 0;
  expandedMs = 0;
  resyncs = 0;

  retire(counters: JitterBufferCounters, sampleRate: number, stats?: JitterBufferStats): void {
    this.late += counters.late;
    this.duplicates += counters.duplicates;
    this.outOfOrder += counters.outOfOrder;
    this.concealedMs += (counters.concealedSamples * 1000) / sampleRate;
    this.resyncs += counters.resyncs;
    this.acceleratedMs += stats?.acceleratedMs ?? 0;
    this.expandedMs += stats?.expandedMs ?? 0;
  }

  /** The live buffer's stats with the retired chains' totals added (what LegStats.jitterBuffer reports). */
  withLive(live: JitterBufferStats | undefined): JitterBufferStats | null {
    if (live === undefined) return null;
    return {
      ...live,
      acceleratedMs: live.acceleratedMs + this.acceleratedMs,
      expandedMs: live.expandedMs + this.expandedMs,
      resyncs: live.resyncs + this.resyncs,
    };
  }
}
