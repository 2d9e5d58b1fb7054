/**
 * What the worker host and a media worker say to each other over the
 * worker's MessagePort: the engine contract's commands and events wrapped in
 * plain, structured-cloneable envelopes, plus the worker's start-up data.
 */
import type { Config } from '../../config/index.js';
import { MediaError, type MediaErrorCode } from '../errors.js';
import type { EngineCommandName, EngineEvent } from '../protocol.js';

/** `workerData` of a media worker. */
export interface MediaWorkerData {
  readonly index: number;
  /** The config's rtp section with `ports` narrowed to this worker's slice. */
  readonly rtp: Config['rtp'];
  readonly codecs?: Config['codecs'];
  readonly voice?: Config['voice'];
  readonly logLevel: string;
  readonly portReuseDelayMs?: number;
  /** Honour the `crash` message (tests only). */
  readonly allowCrashForTest: boolean;
}

/** Host → worker. */
export type HostMessage =
  | { readonly kind: 'request'; readonly id: number; readonly name: EngineCommandName; readonly args: unknown }
  /** Test hook: the worker throws an uncaught error (only with `allowCrashForTest`). */
  | { readonly kind: 'crash' };

export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly code: string | null;
}

/** Worker → host. */
export type WorkerMessage =
  | { readonly kind: 'ready'; readonly threadId: number }
  | { readonly kind: 'result'; readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly kind: 'result'; readonly id: number; readonly ok: false; readonly error: SerializedError }
  | { readonly kind: 'event'; readonly event: EngineEvent };

export function serializeError(error: unknown): SerializedError {
  if (error instanceof MediaError) return { name: error.name, message: error.message, code: error.code };
  if (error instanceof Error) return { name: error.name, message: error.message || error.name, code: null };
  return { name: 'Error', message: String(error), code: null };
}

/** Rebuilds the error on the host side: a MediaError keeps its code and message. */
export function deserializeError(error: SerializedError): Error {
  if (error.code !== null) return new MediaError(error.code as MediaErrorCode, error.message);
  const rebuilt = new Error(error.message);
  rebuilt.name = error.name;
  return rebuilt;
}

/** Cheap shape check at the port boundary (messages come from our own worker code). */
export function isWorkerMessage(value: unknown): value is WorkerMessage {
  return typeof value === 'object' && value !== null && typeof (value as { kind?: unknown }).kind === 'string';
}

export function isHostMessage(value: unknown): value is HostMessage {
  return typeof value === 'object' && value !== null && typeof (value as { kind?: unknown }).kind === 'string';
}
