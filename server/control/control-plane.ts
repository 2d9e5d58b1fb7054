/**
 * The control-plane service the admin routes call: calls, rooms, dial-out,
 * recordings, voice profiles, events and stats behind one object, so the
 * HTTP layer stays thin and the same operations are usable programmatically.
 */
import { hostname } from 'node:os';
import type { Config } from '../../config/index.js';
import type { EngineStats, LegStats, MediaEngine, VoiceSettings } from '../../media/index.js';
import type { LiveCall } from '../apps/call-context.js';
import type { Logger } from '../logger.js';
import type { SdpPolicy } from '../sdp/index.js';
import type { SignalingBackend, SignalingCounters } from '../signaling/backend.js';
import type { CallDirectory } from './call-directory.js';
import { DialOutService } from './dial-out.js';
import { ControlError, notFound } from './errors.js';
import { EventHub } from './events.js';
import { RecordingService } from './recordings.js';
import { redactConfig } from './redact.js';
import type { RoomDirectory } from './rooms.js';
import { VoiceProfileStore, type VoiceProfileBuilder } from './voice-profiles.js';

/** SIP counters; the by-method/by-status maps are used when the backend provides them. */
export type SipCounters = SignalingCounters & {
  readonly requestsByMethod?: Readonly<Record<string, number>>;
  readonly responsesByStatus?: Readonly<Record<string, number>>;
};

export interface ControlPlaneOptions {
  readonly config: Config;
  readonly engine: MediaEngine;
  readonly calls: CallDirectory;
  readonly sdpPolicy: SdpPolicy;
  readonly logger: Logger;
  /** Places dial-out calls (the signalling backend); null: dial-out unavailable. */
  readonly dialer: Pick<SignalingBackend, 'placeCall'> | null;
  readonly sipCounters: () => SipCounters;
  readonly rooms?: RoomDirectory | null;
  readonly voiceProfileBuilder?: VoiceProfileBuilder | null;
  readonly version?: string;
  /** Bound SIP listeners, for server info. */
  readonly sip?: Readonly<Record<string, { host: string; port: number }>>;
}

export interface CallInfo {
  readonly id: string;
  readonly callId: string;
  readonly from: string;
  readonly to: string;
  readonly app: string;
  readonly roomId: string | null;
  readonly startedAt: number;
  readonly durationSeconds: number;
  /** Media stats of the call's leg; null for calls without a leg here (signalling-only bridges). */
  readonly stats: LegStats | null;
}

export class ControlPlane {
  readonly events: EventHub;
  readonly dialOut: DialOutService | null;
  readonly recordings: RecordingService;
  readonly voiceProfiles: VoiceProfileStore;
  readonly rooms: RoomDirectory | null;
  readonly startedAt = Date.now();
  #accepting = true;

  constructor(readonly options: ControlPlaneOptions) {
    const { engine, calls, logger } = options;
    this.rooms = options.rooms ?? null;
    this.events = new EventHub(engine, calls);
    this.recordings = new RecordingService(options.config.admin.recordingsDir, engine, calls, this.rooms);
    this.voiceProfiles = new VoiceProfileStore(options.config.voice.profilesDir, options.voiceProfileBuilder ?? null);
    this.dialOut = options.dialer
      ? new DialOutService({
          engine,
          dialer: options.dialer,
          sdpPolicy: options.sdpPolicy,
          calls,
          rooms: this.rooms,
          logger: logger.child({ component: 'dial-out' }),
          onState: (info) =>
            this.events.publish({ type: 'dialout.state', roomId: info.room, dialId: info.id, state: info.state, status: info.status }),
        })
      : null;
  }

  get engine(): MediaEngine {
    return this.options.engine;
  }

  /** False once shutdown began: readiness fails so load balancers stop sending calls. */
  get accepting(): boolean {
    return this.#accepting;
  }

  stopAccepting(): void {
    this.#accepting = false;
  }

  info(): Record<string, unknown> {
    return {
      name: 'voxbridge',
      version: this.options.version ?? 'unknown',
      hostname: hostname(),
      pid: process.pid,
      node: process.version,
      startedAt: this.startedAt,
      uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000),
      sip: this.options.sip ?? {},
      features: { rooms: this.rooms !== null, dialOut: this.dialOut !== null },
      accepting: this.#accepting,
    };
  }

  effectiveConfig(): Config {
    return redactConfig(this.options.config);
  }

  async listCalls(): Promise<CallInfo[]> {
    return Promise.all(this.options.calls.all().map((call) => this.#describe(call)));
  }

  /** By leg id (the API's call id) or SIP Call-ID. */
  findCall(id: string): LiveCall {
    const call = this.options.calls.get(id) ?? this.options.calls.all().find((candidate) => candidate.callId === id);
    if (!call) throw notFound('call', id);
    return call;
  }

  async getCall(id: string): Promise<CallInfo> {
    return this.#describe(this.findCall(id));
  }

  async hangupCall(id: string, reason = 'ended by the admin API'): Promise<void> {
    await this.findCall(id).hangup(reason);
  }

  async setCallVoice(id: string, settings: VoiceSettings | null): Promise<void> {
    const call = this.findCall(id);
    await this.options.engine.request('leg.voice', { legId: call.legId, settings });
  }

  /** Engine-wide stats; null while the engine cannot report them. */
  async engineStats(): Promise<EngineStats | null> {
    return this.options.engine.request('engine.stats', {}).catch(() => null);
  }

  sipCounters(): SipCounters {
    return this.options.sipCounters();
  }

  requireRooms(): RoomDirectory {
    if (this.rooms === null) throw new ControlError('ERR_UNAVAILABLE', 'conference rooms are not available on this server');
    return this.rooms;
  }

  requireDialOut(): DialOutService {
    if (this.dialOut === null) throw new ControlError('ERR_UNAVAILABLE', 'dial-out is not available on this server');
    return this.dialOut;
  }

  close(): void {
    this.events.close();
  }

  async #describe(call: LiveCall): Promise<CallInfo> {
    const stats = await this.options.engine.request('leg.stats', { legId: call.legId }).catch(() => null);
    return {
      id: call.legId,
      callId: call.callId,
      from: call.from,
      to: call.to,
      app: call.app,
      roomId: call.roomId,
      startedAt: call.startedAt,
      durationSeconds: Math.round((Date.now() - call.startedAt) / 1000),
      stats,
    };
  }
}
