/**
 * Call routing: the Request-URI user picks the application (echo, ring, a
 * conference room: conf-NAME or a room defined in config); a user that is
 * not an application but has registered contacts is rung there. Anyone else
 * gets 404, so a caller always hears a proper final response.
 */
import type { Application, AppContext } from './call-context.js';
import type { IncomingCall, SignalingBackend } from '../signaling/backend.js';
import { echoApplication } from './echo.js';
import { callRegisteredUser } from './registered-user.js';
import { ringApplication } from './ring.js';
import { conferenceApplication, type ConferenceRooms } from './conference/index.js';

export interface RouteTable {
  readonly echoUser: string;
}

/** What routing needs of the signalling backend: registrations, and placing calls to them. */
export type Registrations = Pick<SignalingBackend, 'locate' | 'placeCall'>;

export function createRouter(
  routes: RouteTable,
  context: AppContext,
  registrations?: Registrations,
  conference?: ConferenceRooms,
): (call: IncomingCall) => void {
  const table: ReadonlyMap<string, Application> = new Map([
    [routes.echoUser, echoApplication],
    ['ring', ringApplication],
  ]);
  return (call) => {
    let application = call.target === null ? undefined : table.get(call.target);
    const room = application === undefined ? (conference?.roomNameFor(call.target) ?? null) : null;
    if (room !== null && conference !== undefined) application = conferenceApplication(conference, room);
    const contacts = application === undefined && call.target !== null && registrations ? registrations.locate(call.target) : [];
    if (application === undefined && registrations && contacts.length > 0) {
      application = (incoming, appContext) => callRegisteredUser(incoming, contacts, registrations, appContext);
    }
    if (!application) {
      context.logger.info({ callId: call.callId, target: call.target }, 'no route for call');
      call.reject(404, { reason: 'Not Found', warning: `no such extension: ${call.target ?? '(none)'}` });
      return;
    }
    application(call, context).catch((error: unknown) => {
      // An application bug must not take the server down; the caller still gets an answer.
      context.logger.error({ err: error, callId: call.callId }, 'application failed');
      if (!call.cancelled) call.reject(500, { warning: 'internal error' });
    });
  };
}
