/**
 * Requests the server sends the test client (BYE, re-INVITE, OPTIONS…): test
 * handlers see them first, then the built-in answers below apply.
 */
import type { SipTestCall } from './call.js';
import { buildResponse, type HeaderList, type SipMessage } from './message.js';
import { contactOf, randomToken, type Locality } from './requests.js';
import type { SipConnection } from './transport.js';

/** A request the server sent us; handlers answer it with `respond`. */
export interface IncomingRequest {
  readonly message: SipMessage;
  /** The call it belongs to (by Call-ID), if any. */
  readonly call: SipTestCall | null;
  respond(status: number, options?: { reason?: string; headers?: HeaderList; body?: string }): void;
}

/** Returns true when it answered the request; otherwise the built-in behaviour applies. */
export type RequestHandler = (request: IncomingRequest) => boolean | void;

/** Built-in answers to the server's requests, by method; anything else gets 501. */
const DEFAULT_ANSWERS: Readonly<Record<string, (request: IncomingRequest, local: Locality) => void>> = {
  BYE: (request) => {
    if (request.call === null) return request.respond(481);
    request.respond(200);
    request.call.remoteHangup(request.message);
  },
  OPTIONS: (request) => request.respond(200, { headers: [['Allow', 'INVITE, ACK, CANCEL, BYE, OPTIONS']] }),
  INVITE: (request, local) => {
    // A re-INVITE keeps our current SDP (no retransmission of this 200); a new INVITE is refused.
    const sdp = request.call?.identity.offerSdp;
    if (sdp) request.respond(200, { headers: [['Contact', contactOf(local)]], body: sdp });
    else request.respond(request.call ? 488 : 486);
  },
  CANCEL: (request) => request.respond(481),
};

/** Runs the handlers, then the built-in answer for the method (501 when there is none). ACKs need no answer. */
export function answerIncoming(
  message: SipMessage,
  call: SipTestCall | null,
  handlers: readonly RequestHandler[],
  connection: SipConnection,
  local: Locality,
): void {
  if (message.method === 'ACK') return;
  const request: IncomingRequest = {
    message,
    call,
    respond: (status, options = {}) => connection.send(buildResponse(message, status, { ...options, toTag: randomToken(4) })),
  };
  for (const handler of handlers) if (handler(request) === true) return;
  const answer = DEFAULT_ANSWERS[message.method];
  if (answer) answer(request, local);
  else request.respond(501);
}
