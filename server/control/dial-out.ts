/**
 * Dial-out: the server calls a SIP URI (as UAC) with a fresh media leg and,
 * once answered, joins it to a room (or the echo test). Each attempt has an
 * id and moves through trying → ringing → answered → ended, or → failed.
 */
import { randomUUID } from 'node:crypto';
import type { LocalMedia, MediaEngine } from '../../media/index.js';
import type { LiveCall } from '../apps/call-context.js';
import type { Logger } from '../logger.js';
import { acceptAnswer, createOffer, createSession, type SdpPolicy } from '../sdp/index.js';
import type { Dialog, SignalingBackend } from '../signaling/backend.js';
import { SipError } from '../sip/errors.js';
import type { CallDirectory } from './call-directory.js';
import { ControlError, notFound } from './errors.js';
import type { RoomDirectory } from './rooms.js';

export type DialState = 'trying' | 'ringing' | 'answered' | 'ended' | 'failed';

export interface DialOutRequest {
  /** sip: or sips: URI to call. */
  readonly target: string;
  /** Room to join once answered; without it the callee is connected to the echo test. */
  readonly room?: string;
  readonly fromUser?: string;
  readonly fromDisplayName?: string;
  readonly ringTimeoutSeconds?: number;
}

export interface DialOutInfo {
  readonly id: string;
  readonly target: string;
  readonly room: string | null;
  readonly state: DialState;
  /** Last SIP status seen (180, 200, 486…), null before any. */
  readonly status: number | null;
  readonly reason: string | null;
  readonly callId: string | null;
  readonly legId: string;
  readonly createdAt: number;
}

export interface DialOutDeps {
  readonly engine: MediaEngine;
  readonly dialer: Pick<SignalingBackend, 'placeCall'>;
  readonly sdpPolicy: SdpPolicy;
  readonly calls: CallDirectory;
  readonly rooms: RoomDirectory | null;
  readonly logger: Logger;
  readonly onState?: (info: DialOutInfo) => void;
  /** Finished attempts kept for GET (oldest dropped first). */
  readonly keep?: number;
}

export class DialOutService {
  readonly #attempts = new Map<string, DialOutInfo>();
  readonly #deps: DialOutDeps;

  constructor(deps: DialOutDeps) {
    this.#deps = deps;
  }

  list(): DialOutInfo[] {
    return [...this.#attempts.values()];
  }

  get(id: string): DialOutInfo {
    const info = this.#attempts.get(id);
    if (!info) throw notFound('dial-out', id);
    return info;
  }

  /** Starts the call and returns at once with its id (state "trying"). */
  async start(request: DialOutRequest): Promise<DialOutInfo> {
    if (!/^sips?:[^\s]+$/i.test(request.target)) throw new ControlError('ERR_BAD_REQUEST', `target must be a sip: URI, got "${request.target}"`);
    const { rooms } = this.#deps;
    if (request.room !== undefined && rooms === null) throw new ControlError('ERR_UNAVAILABLE', 'conference rooms are not available on this server');
    const group = request.room !== undefined && rooms ? await rooms.mediaGroup(request.room) : undefined;
    const id = randomUUID();
    const legId = randomUUID();
    const info: DialOutInfo = {
      id,
      target: request.target,
      room: request.room ?? null,
      state: 'trying',
      status: null,
      reason: null,
      callId: null,
      legId,
      createdAt: Date.now(),
    };
    this.#set(info);
    void this.#run(info, request, group).catch((error: unknown) => {
      this.#update(id, { state: 'failed', reason: error instanceof Error ? error.message : String(error) });
    });
    return info;
  }

  async #run(info: DialOutInfo, request: DialOutRequest, group: string | undefined): Promise<void> {
    const { engine, dialer, sdpPolicy, logger } = this.#deps;
    const legId = info.legId;
    const log = logger.child({ dialId: info.id, legId });
    const release = (): Promise<void> => engine.request('leg.close', { legId }).catch(() => undefined);
    let local: LocalMedia | null = null;
    let offerSdp = '';
    const call = dialer.placeCall({
      target: request.target,
      offer: async (localAddress) => {
        local = await engine.request('leg.create', { legId, callId: `dial-${info.id}`, advertiseAddress: localAddress, ...(group ? { group } : {}) });
        offerSdp = createOffer(local, sdpPolicy, createSession(local.address));
        return offerSdp;
      },
      fromUser: request.fromUser ?? 'voxbridge',
      ...(request.fromDisplayName ? { fromDisplayName: request.fromDisplayName } : {}),
      ...(request.ringTimeoutSeconds ? { ringTimeoutMs: request.ringTimeoutSeconds * 1000 } : {}),
    });
    this.#update(info.id, { callId: call.callId });
    call.onProgress((status) => this.#update(info.id, { state: 'ringing', status }));

    let dialog: Dialog;
    try {
      const answered = await call.answered;
      dialog = answered.dialog;
      if (answered.answer === null) throw new ControlError('ERR_BAD_REQUEST', 'the callee answered without SDP');
      await engine.request('leg.update', { legId, params: acceptAnswer(answered.answer, offerSdp) });
    } catch (error) {
      await release();
      const status = error instanceof SipError ? error.status : null;
      this.#update(info.id, { state: 'failed', status, reason: error instanceof Error ? error.message : String(error) });
      log.info({ status }, 'dial-out failed');
      return;
    }
    const live: LiveCall = {
      callId: dialog.callId,
      legId,
      from: request.fromUser ?? 'voxbridge',
      to: request.target,
      app: info.room === null ? 'echo' : 'conference',
      roomId: info.room,
      startedAt: Date.now(),
      hangup: async () => dialog.hangup(),
    };
    dialog.onEnded((reason) => {
      this.#deps.calls.remove(legId);
      void release();
      this.#update(info.id, { state: 'ended', reason });
    });
    try {
      if (info.room !== null && this.#deps.rooms) await this.#deps.rooms.join(info.room, live);
      else await engine.request('leg.attach', { legId, app: { kind: 'echo' } });
    } catch (error) {
      // Failed first: the hangup's onEnded must not turn this into an ordinary end.
      this.#update(info.id, { state: 'failed', status: 200, reason: `answered but could not join: ${(error as Error).message}` });
      await dialog.hangup();
      return;
    }
    this.#deps.calls.add(legId, live);
    this.#update(info.id, { state: 'answered', status: 200 });
    log.info({ target: request.target, room: info.room }, 'dial-out answered');
  }

  #update(id: string, change: Partial<DialOutInfo>): void {
    const current = this.#attempts.get(id);
    if (!current) return;
    // A late ringing after the answer (or a failure after the end) does not move the state back.
    if (current.state === 'failed' || current.state === 'ended') return;
    if (current.state === 'answered' && change.state === 'ringing') return;
    this.#set({ ...current, ...change });
  }

  #set(info: DialOutInfo): void {
    const changed = this.#attempts.get(info.id)?.state !== info.state;
    this.#attempts.set(info.id, info);
    const keep = this.#deps.keep ?? 200;
    for (const [key, old] of this.#attempts) {
      if (this.#attempts.size <= keep) break;
      if (old.state === 'failed' || old.state === 'ended') this.#attempts.delete(key);
    }
    if (changed) this.#deps.onState?.(info);
  }
}
