/**
 * Validation of `leg.update` parameters at the engine boundary (they may come
 * across a MessagePort), and the lookup of the negotiated codec's descriptor.
 */
import { findCodec, type CodecDescriptor } from '../codecs/index.js';
import { MediaError } from './errors.js';
import type { LegParams, MediaDirection, SrtpParams } from './protocol.js';
import type { SrtpTransform } from './rtp-endpoint.js';

export const SUPPORTED_PTIMES: readonly number[] = [10, 20, 30, 40, 60];
const DIRECTIONS: readonly MediaDirection[] = ['sendrecv', 'sendonly', 'recvonly', 'inactive'];

function invalid(what: string): MediaError {
  return new MediaError('ERR_INVALID_ARGS', `leg.update: ${what}`);
}

function isPort(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 65535;
}

function isPayloadType(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 127;
}

/** An audio codec we can both encode and decode, as the negotiated codec names it. */
export interface ResolvedCodec {
  readonly descriptor: CodecDescriptor;
  readonly createEncoder: NonNullable<CodecDescriptor['createEncoder']>;
  readonly createDecoder: NonNullable<CodecDescriptor['createDecoder']>;
}

/** Checks `params` and resolves its codec; throws MediaError (ERR_INVALID_ARGS, ERR_UNKNOWN_CODEC). */
export function validateLegParams(params: LegParams): ResolvedCodec {
  const { remote, codec, telephoneEvent } = params;
  if (remote !== null) {
    if (typeof remote.address !== 'string' || remote.address === '') throw invalid('params.remote.address must be an IP address');
    if (!isPort(remote.rtpPort) || !isPort(remote.rtcpPort)) throw invalid('params.remote ports must be integers 0..65535');
  }
  if (typeof params.rtcpMux !== 'boolean') throw invalid('params.rtcpMux must be a boolean');
  if (!DIRECTIONS.includes(params.direction)) throw invalid(`params.direction must be one of ${DIRECTIONS.join(', ')}`);
  if (!isPayloadType(codec.payloadType)) throw invalid('params.codec.payloadType must be an integer 0..127');
  if (telephoneEvent !== null) {
    if (!isPayloadType(telephoneEvent.payloadType) || telephoneEvent.payloadType === codec.payloadType) {
      throw invalid('params.telephoneEvent.payloadType must be 0..127 and differ from the codec payload type');
    }
    if (!(telephoneEvent.clockRate > 0)) throw invalid('params.telephoneEvent.clockRate must be positive');
  }
  const descriptor = typeof codec.name === 'string' ? findCodec(codec.name) : undefined;
  const createEncoder = descriptor?.createEncoder;
  const createDecoder = descriptor?.createDecoder;
  if (descriptor === undefined || descriptor.kind !== 'audio' || createEncoder === undefined || createDecoder === undefined) {
    throw new MediaError('ERR_UNKNOWN_CODEC', `leg.update: codec "${String(codec.name)}" is not an audio codec the media engine implements`);
  }
  if (codec.clockRate !== descriptor.clockRate) {
    throw invalid(`params.codec.clockRate ${codec.clockRate} does not match ${descriptor.name}/${descriptor.clockRate}`);
  }
  if (!SUPPORTED_PTIMES.includes(params.ptime) || !descriptor.ptimes.includes(params.ptime)) {
    throw invalid(`params.ptime ${params.ptime} is not one of ${descriptor.name}'s ${descriptor.ptimes.join(', ')} ms`);
  }
  return { descriptor, createEncoder, createDecoder };
}

/** Whether two parameter sets need a different encoder/decoder chain. */
export function codecChanged(a: LegParams, b: LegParams): boolean {
  return (
    a.codec.name.toLowerCase() !== b.codec.name.toLowerCase() ||
    a.codec.payloadType !== b.codec.payloadType ||
    a.codec.clockRate !== b.codec.clockRate ||
    a.ptime !== b.ptime ||
    JSON.stringify(a.codec.fmtp) !== JSON.stringify(b.codec.fmtp)
  );
}

/** We send RTP in these directions, and expect to receive it in these. */
export function sends(direction: MediaDirection): boolean {
  return direction === 'sendrecv' || direction === 'sendonly';
}

export function receives(direction: MediaDirection): boolean {
  return direction === 'sendrecv' || direction === 'recvonly';
}

/** Whether a re-INVITE kept the SRTP suite and both keys (the session and its rollover state stay). */
export function sameSrtpKeys(a: SrtpParams | null, b: SrtpParams): boolean {
  return a !== null && a.suite === b.suite && a.localKey === b.localKey && a.remoteKey === b.remoteKey;
}

/** Builds the leg's SRTP session; a bad key or suite is the caller's error (ERR_INVALID_ARGS). */
export function buildSrtpSession(params: SrtpParams, create: (params: SrtpParams) => SrtpTransform): SrtpTransform {
  try {
    return create(params);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new MediaError('ERR_INVALID_ARGS', `leg.update: params.srtp is not usable: ${reason}`, { cause: error });
  }
}
