/**
 * The lifecycle every media application shares: reserve a leg, negotiate SDP
 * (early or late offer), connect the leg to the application's audio, answer,
 * follow re-offers, and release everything when the call ends, however it ends.
 */
import { randomUUID } from 'node:crypto';
import type { LegApplication, LegParams, LocalMedia } from '../../media/index.js';
import { acceptAnswer, answerOffer, createOffer, createSession, SdpError, type SdpSession } from '../sdp/index.js';
import type { Dialog, IncomingCall } from '../signaling/backend.js';
import { SipError } from '../sip/errors.js';
import type { AppContext, LiveCall } from './call-context.js';
import { VOICE_HEADER, voiceSettingsFromRequest } from './voice-request.js';

/** How an application that is not a plain LegApplication (a conference) takes part in the lifecycle. */
export interface MediaCallOptions {
  /** What LiveCall.app says (default: the LegApplication's kind). */
  readonly app?: string;
  /** Engine group for the leg (a room id), so it lands on the room's media worker. */
  readonly group?: string;
  readonly roomId?: string | null;
  /** Media runs and the call is registered. */
  readonly established?: (call: EstablishedCall) => void | Promise<void>;
  /** The call ended (after the leg is released). */
  readonly ended?: (legId: string) => void;
}

export interface EstablishedCall {
  readonly legId: string;
  readonly dialog: Dialog;
  readonly live: LiveCall;
  readonly log: AppContext['logger'];
}

export async function answerWithMedia(call: IncomingCall, application: LegApplication, context: AppContext, options: MediaCallOptions = {}): Promise<void> {
  const { engine } = context;
  const legId = randomUUID();
  const log = context.logger.child({ callId: call.callId, legId });

  let local: LocalMedia;
  try {
    local = await engine.request('leg.create', {
      legId,
      callId: call.callId,
      advertiseAddress: call.localAddress,
      ...(options.group !== undefined ? { group: options.group } : {}),
    });
  } catch (error) {
    log.error({ err: error }, 'no media resources for the call');
    call.reject(503, { warning: 'no media ports available', headers: { 'Retry-After': '5' } });
    return;
  }
  const release = (): Promise<void> => engine.request('leg.close', { legId }).catch((error: unknown) => log.warn({ err: error }, 'leg close failed'));
  call.onCancel(() => {
    log.info('caller cancelled before answer');
    void release();
  });

  const session = createSession(local.address);
  let localSdp: string;
  let params: LegParams | null = null;
  try {
    if (call.offer !== null) {
      const negotiated = answerOffer(call.offer, local, context.sdpPolicy, session);
      localSdp = negotiated.answerSdp;
      params = negotiated.params;
      await engine.request('leg.update', { legId, params });
    } else {
      localSdp = createOffer(local, context.sdpPolicy, session);
    }
    await engine.request('leg.attach', { legId, app: application });
    // `;voice=<preset>` in the Request-URI and the X-Voice header transform what the caller says.
    const voice = voiceSettingsFromRequest(call.requestUri, call.header(VOICE_HEADER));
    if (voice !== null) {
      await engine.request('leg.voice', { legId, settings: voice }).catch((error: unknown) => {
        // A setting only the media side can check (a missing voice profile) is still the caller's mistake.
        throw new SipError(488, error instanceof Error ? error.message : String(error), { cause: error });
      });
    }
  } catch (error) {
    await release();
    if (error instanceof SdpError || error instanceof SipError) {
      log.info({ reason: error.message }, 'offer rejected');
      call.reject(error.status, { warning: error.message });
      return;
    }
    log.error({ err: error }, 'could not set up media');
    call.reject(500, { warning: 'media setup failed' });
    return;
  }
  if (call.cancelled) return;

  let dialog: Dialog;
  try {
    const answered = await call.answer(localSdp);
    dialog = answered.dialog;
    if (params === null) {
      // Late offer: the caller's answer to our offer came in the ACK.
      if (answered.ackSdp === null) throw new SdpError('ERR_SDP_NO_AUDIO', 'ACK carried no SDP answer to our offer');
      params = acceptAnswer(answered.ackSdp, localSdp);
      await engine.request('leg.update', { legId, params });
    }
  } catch (error) {
    log.info({ err: error }, 'call not established');
    await release();
    return;
  }

  log.info({ codec: params.codec.name, ptime: params.ptime, remote: params.remote }, 'call answered');
  const identity = { from: call.from.uri, to: call.to.uri, app: options.app ?? application.kind, roomId: options.roomId ?? null, startedAt: Date.now() };
  const live = trackCall(dialog, legId, identity, local, session, context, log, release, options.ended);
  try {
    await options.established?.({ legId, dialog, live, log });
  } catch (error) {
    log.error({ err: error }, 'application could not take the call');
    await dialog.hangup();
  }
}

/** Follows an established call: re-offers, RTP timeout, maximum duration, and the end. */
function trackCall(
  dialog: Dialog,
  legId: string,
  identity: Pick<LiveCall, 'from' | 'to' | 'app' | 'roomId' | 'startedAt'>,
  local: LocalMedia,
  session: SdpSession,
  context: AppContext,
  log: AppContext['logger'],
  release: () => Promise<void>,
  ended: ((legId: string) => void) | undefined,
): LiveCall {
  const { engine } = context;
  const maxTimer =
    context.maxCallSeconds > 0 ? setTimeout(() => void hangup('maximum call duration reached'), context.maxCallSeconds * 1000) : null;
  maxTimer?.unref();

  const hangup = async (reason: string): Promise<void> => {
    log.info({ reason }, 'hanging up');
    await dialog.hangup();
  };
  const live: LiveCall = { callId: dialog.callId, legId, ...identity, hangup };
  context.calls.add(legId, live);

  dialog.onOffer(async (offer) => {
    if (offer === null) return createOffer(local, context.sdpPolicy, session);
    try {
      const negotiated = answerOffer(offer, local, context.sdpPolicy, session);
      await engine.request('leg.update', { legId, params: negotiated.params });
      return negotiated.answerSdp;
    } catch (error) {
      if (error instanceof SdpError) throw new SipError(error.status, error.message);
      throw error;
    }
  });

  // SIP INFO digits join the media's own (RFC 4733, in-band) in one de-duplicated leg.dtmf stream.
  dialog.onDtmf((event) => {
    log.debug({ digit: event.digit, durationMs: event.durationMs, source: event.source }, 'DTMF');
    engine.request('leg.dtmf.report', { legId, digit: event.digit, durationMs: event.durationMs, source: 'info' }).catch((error: unknown) => {
      log.debug({ err: error }, 'INFO digit not taken by the media leg');
    });
  });

  dialog.onEnded((reason) => {
    log.info({ reason }, 'call ended');
    if (maxTimer) clearTimeout(maxTimer);
    context.calls.remove(legId);
    void release().then(() => ended?.(legId));
  });
  return live;
}
