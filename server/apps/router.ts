/**
 * Call routing: the Request-URI user picks the application. Unknown users get
 * 404, so a caller always hears a proper final response.
 */
import type { Application, AppContext } from './call-context.js';
import type { IncomingCall } from '../signaling/backend.js';
import { echoApplication } from './echo.js';
import { ringApplication } from './ring.js';

export interface RouteTable {
  readonly echoUser: string;
}

export function createRouter(routes: RouteTable, context: AppContext): (call: IncomingCall) => void {
  const table: ReadonlyMap<string, Application> = new Map([
    [routes.echoUser, echoApplication],
    ['ring', ringApplication],
  ]);
  return (call) => {
    const application = call.target === null ? undefined : table.get(call.target);
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
