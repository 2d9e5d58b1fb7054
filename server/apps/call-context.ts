/** What every application gets to work with: the engine, config-derived policy and a logger. */
import type { Logger } from '../logger.js';
import type { MediaEngine } from '../../media/index.js';
import type { SdpPolicy } from '../sdp/index.js';
import type { IncomingCall } from '../signaling/backend.js';

export interface AppContext {
  readonly engine: MediaEngine;
  readonly sdpPolicy: SdpPolicy;
  readonly logger: Logger;
  /** Hang up calls longer than this (0: no limit). */
  readonly maxCallSeconds: number;
  /** Registers a live call so shutdown and RTP timeouts can reach it. */
  readonly calls: CallRegistry;
}

/** One entry per answered or answering call, keyed by leg id. */
export interface CallRegistry {
  add(legId: string, call: LiveCall): void;
  remove(legId: string): void;
  get(legId: string): LiveCall | undefined;
  readonly size: number;
}

export interface LiveCall {
  readonly callId: string;
  /** The media leg's id (for a relayed call to a registered user: the relay's id). */
  readonly legId: string;
  /** Caller and callee URIs as they came in the INVITE. */
  readonly from: string;
  readonly to: string;
  /** What the call is connected to: 'echo', 'conference', 'user', … */
  readonly app: string;
  /** The conference room, for calls in one. */
  readonly roomId: string | null;
  /** Wall-clock time the call was answered (ms since the epoch). */
  readonly startedAt: number;
  hangup(reason: string): Promise<void>;
}

/** An application takes an incoming call and sees it through to its end. */
export type Application = (call: IncomingCall, context: AppContext) => Promise<void>;
