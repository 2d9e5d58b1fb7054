/**
 * ACK that no INVITE server transaction absorbed: the ACK for a 2xx, which
 * is end-to-end and matched to its dialog (RFC 3261 §13.3.1.4, §17.2.1).
 * An ACK never gets a response; one for no dialog is dropped.
 */
import type { MethodHandler } from './types.js';

export const handleAck: MethodHandler = (inbound, core) => {
  core.findDialog(inbound.request)?.receiveAck(inbound.request);
};
