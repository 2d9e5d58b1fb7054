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
  readonly legId: string;
  hangup(reason: string): Promise<void>;
}

/** An application takes an incoming call and sees it through to its end. */
export type Application = (call: IncomingCall, context: AppContext) => Promise<void>;
