/** REGISTER (RFC 3261 §10.3): to the registrar; the core has already checked credentials. */
import type { MethodHandler } from './types.js';

export const handleRegister: MethodHandler = (inbound, core) => {
  core.register(inbound);
};
