/** The method dispatch table: one handler per method, unknown methods get 501. */
import { handleAck } from './ack.js';
import { handleBye } from './bye.js';
import { handleCancel } from './cancel.js';
import { handleInfo } from './info.js';
import { handleInvite } from './invite.js';
import { methodNotAllowed, notImplemented } from './not-served.js';
import { handleOptions } from './options.js';
import { handlePrack } from './prack.js';
import { handleRegister } from './register.js';
import type { MethodHandler } from './types.js';
import { handleUpdate } from './update.js';

export type KnownMethod =
  | 'INVITE'
  | 'ACK'
  | 'BYE'
  | 'CANCEL'
  | 'OPTIONS'
  | 'INFO'
  | 'UPDATE'
  | 'REGISTER'
  | 'SUBSCRIBE'
  | 'NOTIFY'
  | 'PUBLISH'
  | 'MESSAGE'
  | 'REFER'
  | 'PRACK';

const HANDLERS: Readonly<Record<KnownMethod, MethodHandler>> = {
  INVITE: handleInvite,
  ACK: handleAck,
  BYE: handleBye,
  CANCEL: handleCancel,
  OPTIONS: handleOptions,
  INFO: handleInfo,
  UPDATE: handleUpdate,
  REGISTER: handleRegister,
  SUBSCRIBE: methodNotAllowed,
  NOTIFY: methodNotAllowed,
  PUBLISH: methodNotAllowed,
  MESSAGE: methodNotAllowed,
  REFER: methodNotAllowed,
  PRACK: handlePrack,
};

/** Methods are case-sensitive (RFC 3261 §7.1); own-property lookup keeps "constructor" & co. out. */
export function handlerFor(method: string): MethodHandler {
  return isKnownMethod(method) ? HANDLERS[method] : notImplemented;
}

export function isKnownMethod(method: string): method is KnownMethod {
  return Object.hasOwn(HANDLERS, method);
}

/** Methods we actually serve (the others get 405/501 before any other check). */
export function isServedMethod(method: string): boolean {
  return isKnownMethod(method) && HANDLERS[method] !== methodNotAllowed;
}
