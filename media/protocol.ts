/**
 * The one typed contract between the control plane (server/) and the media
 * plane (media/). Commands and events are plain, structured-cloneable objects
 * so the same contract runs in-process (tests) or across a MessagePort to a
 * media worker (production) without change.
 */

import type { DtmfCommands, DtmfSource } from './protocol/dtmf.js';
import type { EngineWideCommands, EngineWideEvent } from './protocol/engine.js';
import type { RecordingCommands, RecordingEvent } from './protocol/recording.js';
import type { RoomCommands, RoomEvent } from './protocol/rooms.js';
import type { VoiceCommands, VoiceEvent } from './protocol/voice.js';

export type * from './protocol/dtmf.js';
export type * from './protocol/engine.js';
export type * from './protocol/recording.js';
export type * from './protocol/rooms.js';
export type * from './protocol/voice.js';

/** Media direction from OUR point of view (what we do with this leg's RTP). */
export type MediaDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

/** The codec a leg uses, as settled by SDP offer/answer. */
export interface NegotiatedCodec {
  /** SDP encoding name; the media path looks its descriptor up in the codec registry. */
  readonly name: string;
  readonly payloadType: number;
  readonly clockRate: number;
  readonly channels: number;
  readonly fmtp: Readonly<Record<string, string>>;
}

/** Everything the media path needs to run one leg, produced by server/sdp. */
export interface LegParams {
  /** Where to send RTP until symmetric latching learns the real source; null: not yet known (port 0 or no offer). */
  readonly remote: { readonly address: string; readonly rtpPort: number; readonly rtcpPort: number } | null;
  readonly rtcpMux: boolean;
  readonly codec: NegotiatedCodec;
  /** RFC 4733 telephone-event, if both sides accepted it. */
  readonly telephoneEvent: { readonly payloadType: number; readonly clockRate: number } | null;
  /** Packet time (ms) we send with: the far end's a=ptime when it asked for one we support. */
  readonly ptime: number;
  readonly direction: MediaDirection;
  /** SDES-keyed SRTP (RFC 4568), when the offer/answer settled on it; absent or null: plain RTP. */
  readonly srtp?: SrtpParams | null;
}

export type SrtpSuite = 'AES_CM_128_HMAC_SHA1_80' | 'AES_CM_128_HMAC_SHA1_32';

export interface SrtpParams {
  readonly suite: SrtpSuite;
  /** Our master key‖salt (30 bytes, base64), as in our a=crypto line: protects what we send. */
  readonly localKey: string;
  /** The far end's master key‖salt (base64), from its a=crypto line: unprotects what we receive. */
  readonly remoteKey: string;
}

/** Local transport a leg got from the port pool; goes into our SDP. */
export interface LocalMedia {
  readonly legId: string;
  /** Address to advertise in c= (the configured external address or the bind address). */
  readonly address: string;
  readonly rtpPort: number;
  readonly rtcpPort: number;
}

/** What a leg's audio is connected to. */
export type LegApplication =
  | { readonly kind: 'none' }
  /** Decoded audio is played straight back to the same leg (the echo test). */
  | { readonly kind: 'echo' };

export interface StreamStats {
  readonly packets: number;
  readonly bytes: number;
}

export interface LegStats {
  readonly legId: string;
  readonly rx: StreamStats & {
    readonly lost: number;
    readonly duplicates: number;
    readonly late: number;
    readonly outOfOrder: number;
    /** Packets from a source the leg did not latch to (RTP bleed / injection). */
    readonly rejectedSource: number;
    readonly malformed: number;
    /** Interarrival jitter (RFC 3550 §6.4.1) in milliseconds. */
    readonly jitterMs: number;
    /** RTP with a payload type the leg did not negotiate (comfort noise included). */
    readonly unknownPayloadType: number;
    /** SRTP packets that failed authentication or replay checks. */
    readonly srtpRejected: number;
  };
  readonly tx: StreamStats;
  /** The source address:port latched by symmetric RTP, if any. */
  readonly latchedSource: string | null;
  /** The jitter buffer's current target delay (ms). */
  readonly jitterBufferMs: number;
  readonly jitterBuffer: JitterBufferStats;
  readonly concealedMs: number;
  /** What the far end reports about our stream (RTCP RR), null until a report arrived. */
  readonly remote: { readonly lossFraction: number; readonly cumulativeLost: number; readonly jitterMs: number } | null;
  /** Round-trip time from RTCP SR/RR (ms), null until measured. */
  readonly rttMs: number | null;
  /** E-model (ITU-T G.107) MOS estimate for what this leg receives, null before media. */
  readonly mos: number | null;
}

export interface JitterBufferStats {
  /** Current target playout delay (ms): adapts between `minMs` and `maxMs`. */
  readonly targetMs: number;
  /** Audio queued ahead of playout right now (ms). */
  readonly currentMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  /** Time removed by time-compression to shrink the delay (ms). */
  readonly acceleratedMs: number;
  /** Time added by stretching/expansion to grow the delay (ms). */
  readonly expandedMs: number;
  /** Timeline restarts (SSRC change, timestamp jump). */
  readonly resyncs: number;
}

/** Thresholds crossed by a leg's receive quality (MOS). */
export type QualityLevel = 'good' | 'fair' | 'poor';

// ---- commands (control plane → media) ---------------------------------------

export interface LegCommands {
  /**
   * Reserves ports and opens sockets for a new leg. `advertiseAddress` is the
   * local address the call's signalling arrived on; the engine advertises the
   * configured external address, else a specific bind address, else this.
   */
  'leg.create': {
    /** `group`: legs (and the room) with the same group share a media worker; a conference passes its room id. */
    args: { legId: string; callId: string; advertiseAddress: string; group?: string };
    result: LocalMedia;
  };
  /** Starts or changes media from negotiated SDP (first answer, re-INVITE, ACK with late answer). */
  'leg.update': { args: { legId: string; params: LegParams }; result: void };
  /** Connects the leg's audio to an application. */
  'leg.attach': { args: { legId: string; app: LegApplication }; result: void };
  'leg.stats': { args: { legId: string }; result: LegStats };
  /** Stops media and releases ports, timers and sockets. Idempotent. */
  'leg.close': { args: { legId: string }; result: void };
  /** Closes every leg and stops the clock. Idempotent. */
  'engine.close': { args: Record<string, never>; result: void };
}

/** Every command of the contract, by area (protocol/*.ts). */
export interface EngineCommands extends LegCommands, RoomCommands, RecordingCommands, VoiceCommands, DtmfCommands, EngineWideCommands {}

export type EngineCommandName = keyof EngineCommands;
export type EngineArgs<N extends EngineCommandName> = EngineCommands[N]['args'];
export type EngineResult<N extends EngineCommandName> = EngineCommands[N]['result'];

// ---- events (media → control plane) ------------------------------------------

export type LegEvent =
  /** First RTP packet accepted on a leg (useful for logs and latching diagnostics). */
  | { readonly type: 'leg.media-started'; readonly legId: string; readonly source: string }
  /** No RTP or RTCP for the configured timeout on a leg that expects media. */
  | { readonly type: 'leg.rtp-timeout'; readonly legId: string; readonly silentMs: number }
  /** A DTMF digit ended (each key press once, whichever of RFC 4733, INFO and in-band carried it). */
  | { readonly type: 'leg.dtmf'; readonly legId: string; readonly digit: string; readonly durationMs: number; readonly source: DtmfSource }
  /** Receive quality crossed a threshold (MOS bands: good ≥ 4.0 > fair ≥ 3.1 > poor). */
  | {
      readonly type: 'leg.quality';
      readonly legId: string;
      readonly level: QualityLevel;
      readonly mos: number;
      readonly lossPercent: number;
      readonly jitterMs: number;
      readonly rttMs: number | null;
    }
  /** The leg died without being closed (its media worker crashed): the call should be ended. */
  | { readonly type: 'leg.failed'; readonly legId: string; readonly reason: string }
  | { readonly type: 'leg.closed'; readonly legId: string; readonly stats: LegStats };

export type EngineEvent = LegEvent | RoomEvent | RecordingEvent | VoiceEvent | EngineWideEvent;

/**
 * The engine as the control plane sees it. Implemented in-process by
 * `InProcessEngine`; a worker host implements the same interface by posting
 * the same commands over a MessagePort.
 */
export interface MediaEngine {
  request<N extends EngineCommandName>(name: N, args: EngineArgs<N>): Promise<EngineResult<N>>;
  /** Subscribes to engine events; returns an unsubscribe function. A throwing listener never breaks media. */
  onEvent(listener: (event: EngineEvent) => void): () => void;
}
