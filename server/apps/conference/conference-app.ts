/**
 * The conference application: a caller dialling `conf-NAME` (or a room
 * defined in config by name) is answered, enters the room's PIN by DTMF when
 * it has one (three tries, `#` ends an entry), and joins the mix. In the room
 * the DTMF menu (dtmf-menu.ts) controls mute, deaf and volumes. The call's
 * end takes the caller out; the last one out ends the room.
 */
import type { IncomingCall } from '../../signaling/backend.js';
import type { Application, AppContext } from '../call-context.js';
import { answerWithMedia, type EstablishedCall } from '../media-call.js';
import type { ConferenceRoom, ConferenceRooms } from './conference-rooms.js';
import { DtmfMenu, PinCollector } from './dtmf-menu.js';

const PIN_TRIES = 3;
const PIN_TIMEOUT_MS = 30_000;
const VOLUME_LIMIT_DB = 24;

export function conferenceApplication(rooms: ConferenceRooms, name: string): Application {
  return async (call: IncomingCall, context: AppContext) => {
    const admitted = await rooms.admit(name);
    if ('status' in admitted) {
      context.logger.info({ callId: call.callId, room: name, reason: admitted.reason }, 'conference refused the caller');
      call.reject(admitted.status, { warning: admitted.reason });
      return;
    }
    const { room } = admitted;
    let entered = false;
    let answered = false;
    let settled = false;
    const giveUp = (): void => {
      if (settled) return;
      settled = true;
      if (!entered) rooms.abandon(room);
    };
    call.onCancel(giveUp);
    await answerWithMedia(call, { kind: 'none' }, context, {
      app: 'conference',
      group: rooms.roomId(room),
      roomId: name,
      established: async (established) => {
        answered = true;
        await admitCaller(rooms, room, established);
        entered = true;
        settled = true;
        startMenu(rooms, room, established);
      },
      ended: (legId) => {
        if (entered) void rooms.leave(room, legId);
        else giveUp();
      },
    });
    // Never answered (bad SDP, no ports, cancelled): the admission is handed back.
    if (!answered) giveUp();
  };
}

/** Collects and checks the PIN, if the room has one; hangs up after too many wrong tries. */
async function admitCaller(rooms: ConferenceRooms, room: ConferenceRoom, { legId, dialog, live, log }: EstablishedCall): Promise<void> {
  const pin = rooms.pinOf(room);
  if (pin !== null) {
    const ok = await collectPin(rooms, legId, pin);
    if (!ok) {
      log.info('wrong conference PIN');
      // The call's end hands the admission back (the ended hook).
      await dialog.hangup();
      throw new Error('wrong PIN');
    }
  }
  await rooms.enter(room, live);
}

function collectPin(rooms: ConferenceRooms, legId: string, pin: string): Promise<boolean> {
  return new Promise((resolve) => {
    const collector = new PinCollector(pin.length);
    let tries = 0;
    const finish = (ok: boolean): void => {
      clearTimeout(timer);
      rooms.onDtmf(legId, null);
      resolve(ok);
    };
    const timer = setTimeout(() => finish(false), PIN_TIMEOUT_MS);
    timer.unref();
    rooms.onDtmf(legId, (digit) => {
      const entered = collector.push(digit);
      if (entered === null) return;
      if (entered === pin) finish(true);
      else if (++tries >= PIN_TRIES) finish(false);
    });
  });
}

function startMenu(rooms: ConferenceRooms, room: ConferenceRoom, { legId, log }: EstablishedCall): void {
  const menu = new DtmfMenu();
  rooms.onDtmf(legId, (digit) => {
    const action = menu.push(digit);
    if (action === null) return;
    void (async () => {
      const state = await rooms.participantState(room, legId);
      const change =
        action.kind === 'toggle-mute'
          ? { muted: !state.muted }
          : action.kind === 'toggle-deaf'
            ? { deaf: !state.deaf }
            : { [action.which]: Math.max(-VOLUME_LIMIT_DB, Math.min(VOLUME_LIMIT_DB, state[action.which] + action.stepDb)) };
      const next = await rooms.changeParticipant(room, legId, change);
      log.info({ action: action.kind, muted: next.muted, deaf: next.deaf, volumeInDb: next.volumeInDb, volumeOutDb: next.volumeOutDb }, 'conference menu');
    })().catch((error: unknown) => log.warn({ err: error }, 'conference menu action failed'));
  });
}
