/**
 * SRTP and SRTCP (RFC 3711) for the SDES suites AES_CM_128_HMAC_SHA1_80 and
 * AES_CM_128_HMAC_SHA1_32 (RFC 4568 §6.2): AES-128 counter mode, HMAC-SHA1
 * authentication (80- or 32-bit tag on SRTP; always 80-bit on SRTCP), a
 * rollover counter estimated per source (Appendix A) and a 64-packet replay
 * window per source. Unprotect never throws: a packet that fails a check
 * gives null and is counted.
 */
import { createCipheriv, createHmac, timingSafeEqual } from 'node:crypto';
import type { SrtpParams, SrtpSuite } from '../protocol.js';
import { deriveKeys, MASTER_KEY_BYTES, MASTER_SALT_BYTES, packetIv, type SessionKeys } from './key-derivation.js';
import { ReplayWindow } from './replay-window.js';

const RTP_HEADER = 12;
const RTCP_HEADER = 8;
const SRTCP_INDEX_BYTES = 4;
const SRTCP_TAG = 10;
const SEQ_MOD = 0x1_0000;
const MAX_SRTCP_INDEX = 0x7fff_ffff;
/** Sources we keep receive state for; a flood of invented SSRCs cannot grow memory without bound. */
const MAX_SOURCES = 64;

export const SRTP_TAG_BYTES: Readonly<Record<SrtpSuite, number>> = {
  AES_CM_128_HMAC_SHA1_80: 10,
  AES_CM_128_HMAC_SHA1_32: 4,
};

export interface SrtpCounters {
  readonly authFailures: number;
  readonly replays: number;
  /** Too short or not RTP/RTCP at all. */
  readonly malformed: number;
}

export interface SrtpSession {
  protectRtp(packet: Uint8Array): Uint8Array;
  /** The plain RTP packet, or null when it fails authentication, is a replay or is malformed. */
  unprotectRtp(packet: Uint8Array): Uint8Array | null;
  protectRtcp(packet: Uint8Array): Uint8Array;
  unprotectRtcp(packet: Uint8Array): Uint8Array | null;
  counters(): SrtpCounters;
}

export class SrtpError extends Error {
  override readonly name = 'SrtpError';
  constructor(
    readonly code: 'ERR_SRTP_KEY',
    message: string,
  ) {
    super(message);
  }
}

/** Splits a base64 key‖salt (30 bytes) into master key and salt; throws SrtpError on a bad one. */
export function decodeMasterKey(base64: string): { key: Buffer; salt: Buffer } {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length !== MASTER_KEY_BYTES + MASTER_SALT_BYTES || bytes.toString('base64').replace(/=+$/, '') !== base64.replace(/=+$/, '')) {
    throw new SrtpError('ERR_SRTP_KEY', `SRTP key must be ${MASTER_KEY_BYTES + MASTER_SALT_BYTES} bytes of base64`);
  }
  return { key: bytes.subarray(0, MASTER_KEY_BYTES), salt: bytes.subarray(MASTER_KEY_BYTES) };
}

interface SendState {
  roc: number;
  lastSeq: number;
}

interface ReceiveState {
  /** Highest sequence number authenticated (s_l) and its rollover counter. */
  seq: number;
  roc: number;
  readonly window: ReplayWindow;
}

export function createSrtpSession(params: SrtpParams): SrtpSession {
  return new SdesSrtpSession(params);
}

class SdesSrtpSession implements SrtpSession {
  readonly #tagBytes: number;
  readonly #send: { readonly rtp: SessionKeys; readonly rtcp: SessionKeys };
  readonly #receive: { readonly rtp: SessionKeys; readonly rtcp: SessionKeys };
  readonly #sendSources = new Map<number, SendState>();
  readonly #receiveSources = new Map<number, ReceiveState>();
  readonly #rtcpWindows = new Map<number, ReplayWindow>();
  #srtcpIndex = 0;
  readonly #iv = Buffer.alloc(16);
  #authFailures = 0;
  #replays = 0;
  #malformed = 0;

  constructor(params: SrtpParams) {
    const tag = SRTP_TAG_BYTES[params.suite] as number | undefined;
    if (tag === undefined) throw new SrtpError('ERR_SRTP_KEY', `unsupported SRTP suite ${String(params.suite)}`);
    this.#tagBytes = tag;
    const local = decodeMasterKey(params.localKey);
    const remote = decodeMasterKey(params.remoteKey);
    this.#send = deriveKeys(local.key, local.salt);
    this.#receive = deriveKeys(remote.key, remote.salt);
  }

  counters(): SrtpCounters {
    return { authFailures: this.#authFailures, replays: this.#replays, malformed: this.#malformed };
  }

  protectRtp(packet: Uint8Array): Uint8Array {
    const headerBytes = rtpHeaderLength(packet);
    if (headerBytes < 0) return packet;
    const view = Buffer.from(packet.buffer, packet.byteOffset, packet.byteLength);
    const seq = view.readUInt16BE(2);
    const ssrc = view.readUInt32BE(8);
    const state = this.#sendState(ssrc, seq);
    const index = state.roc * SEQ_MOD + seq;
    const out = Buffer.allocUnsafe(packet.length + this.#tagBytes);
    view.copy(out, 0, 0, headerBytes);
    this.#crypt(this.#send.rtp, ssrc, index, view.subarray(headerBytes), out, headerBytes);
    const tag = this.#rtpTag(this.#send.rtp.authKey, out.subarray(0, packet.length), state.roc);
    tag.copy(out, packet.length, 0, this.#tagBytes);
    return out;
  }

  unprotectRtp(packet: Uint8Array): Uint8Array | null {
    const headerBytes = rtpHeaderLength(packet);
    if (headerBytes < 0 || packet.length < headerBytes + this.#tagBytes) {
      this.#malformed++;
      return null;
    }
    const view = Buffer.from(packet.buffer, packet.byteOffset, packet.byteLength);
    const seq = view.readUInt16BE(2);
    const ssrc = view.readUInt32BE(8);
    const known = this.#receiveSources.get(ssrc);
    const roc = known === undefined ? 0 : estimateRoc(known.seq, known.roc, seq);
    const index = roc * SEQ_MOD + seq;
    if (known !== undefined && !known.window.check(index)) {
      this.#replays++;
      return null;
    }
    const bodyEnd = packet.length - this.#tagBytes;
    const expected = this.#rtpTag(this.#receive.rtp.authKey, view.subarray(0, bodyEnd), roc);
    if (!timingSafeEqual(expected.subarray(0, this.#tagBytes), view.subarray(bodyEnd))) {
      this.#authFailures++;
      return null;
    }
    const state = known ?? this.#newReceiveSource(ssrc, seq, roc);
    state.window.accept(index);
    if (index > state.roc * SEQ_MOD + state.seq) {
      state.roc = roc;
      state.seq = seq;
    }
    const out = Buffer.allocUnsafe(bodyEnd);
    view.copy(out, 0, 0, headerBytes);
    this.#crypt(this.#receive.rtp, ssrc, index, view.subarray(headerBytes, bodyEnd), out, headerBytes);
    return out;
  }

  protectRtcp(packet: Uint8Array): Uint8Array {
    if (packet.length < RTCP_HEADER) return packet;
    const view = Buffer.from(packet.buffer, packet.byteOffset, packet.byteLength);
    const ssrc = view.readUInt32BE(4);
    const index = this.#srtcpIndex;
    this.#srtcpIndex = index === MAX_SRTCP_INDEX ? 0 : index + 1;
    const out = Buffer.allocUnsafe(packet.length + SRTCP_INDEX_BYTES + SRTCP_TAG);
    view.copy(out, 0, 0, RTCP_HEADER);
    this.#crypt(this.#send.rtcp, ssrc, index, view.subarray(RTCP_HEADER), out, RTCP_HEADER);
    // E flag set: the compound packet is encrypted.
    out.writeUInt32BE((0x8000_0000 | index) >>> 0, packet.length);
    const authed = packet.length + SRTCP_INDEX_BYTES;
    const tag = createHmac('sha1', this.#send.rtcp.authKey).update(out.subarray(0, authed)).digest();
    tag.copy(out, authed, 0, SRTCP_TAG);
    return out;
  }

  unprotectRtcp(packet: Uint8Array): Uint8Array | null {
    if (packet.length < RTCP_HEADER + SRTCP_INDEX_BYTES + SRTCP_TAG) {
      this.#malformed++;
      return null;
    }
    const view = Buffer.from(packet.buffer, packet.byteOffset, packet.byteLength);
    const authed = packet.length - SRTCP_TAG;
    const expected = createHmac('sha1', this.#receive.rtcp.authKey).update(view.subarray(0, authed)).digest();
    if (!timingSafeEqual(expected.subarray(0, SRTCP_TAG), view.subarray(authed))) {
      this.#authFailures++;
      return null;
    }
    const word = view.readUInt32BE(authed - SRTCP_INDEX_BYTES);
    const encrypted = (word & 0x8000_0000) !== 0;
    const index = word & MAX_SRTCP_INDEX;
    const ssrc = view.readUInt32BE(4);
    const window = this.#rtcpWindow(ssrc);
    if (!window.check(index)) {
      this.#replays++;
      return null;
    }
    window.accept(index);
    const bodyEnd = authed - SRTCP_INDEX_BYTES;
    const out = Buffer.allocUnsafe(bodyEnd);
    view.copy(out, 0, 0, RTCP_HEADER);
    if (encrypted) this.#crypt(this.#receive.rtcp, ssrc, index, view.subarray(RTCP_HEADER, bodyEnd), out, RTCP_HEADER);
    else view.copy(out, RTCP_HEADER, RTCP_HEADER, bodyEnd);
    return out;
  }

  /** AES-CM: XORs `input` with the packet's keystream into `out` at `offset`. */
  #crypt(keys: SessionKeys, ssrc: number, index: number, input: Buffer, out: Buffer, offset: number): void {
    const cipher = createCipheriv('aes-128-ctr', keys.cipherKey, packetIv(this.#iv, keys.salt, ssrc, index));
    cipher.update(input).copy(out, offset);
  }

  /** HMAC-SHA1 over the authenticated portion followed by the 32-bit ROC (§4.2). */
  #rtpTag(authKey: Buffer, authenticated: Buffer, roc: number): Buffer {
    const rocBytes = Buffer.allocUnsafe(4);
    rocBytes.writeUInt32BE(roc >>> 0, 0);
    return createHmac('sha1', authKey).update(authenticated).update(rocBytes).digest();
  }

  #sendState(ssrc: number, seq: number): SendState {
    let state = this.#sendSources.get(ssrc);
    if (state === undefined) {
      state = { roc: 0, lastSeq: seq };
      if (this.#sendSources.size >= MAX_SOURCES) this.#sendSources.clear();
      this.#sendSources.set(ssrc, state);
      return state;
    }
    // The sequence number wrapped since the last packet we sent.
    if (seq < state.lastSeq && state.lastSeq - seq > SEQ_MOD / 2) state.roc = (state.roc + 1) >>> 0;
    state.lastSeq = seq;
    return state;
  }

  #newReceiveSource(ssrc: number, seq: number, roc: number): ReceiveState {
    if (this.#receiveSources.size >= MAX_SOURCES) this.#receiveSources.clear();
    const state: ReceiveState = { seq, roc, window: new ReplayWindow() };
    this.#receiveSources.set(ssrc, state);
    return state;
  }

  #rtcpWindow(ssrc: number): ReplayWindow {
    let window = this.#rtcpWindows.get(ssrc);
    if (window === undefined) {
      if (this.#rtcpWindows.size >= MAX_SOURCES) this.#rtcpWindows.clear();
      window = new ReplayWindow();
      this.#rtcpWindows.set(ssrc, window);
    }
    return window;
  }
}

/** RFC 3711 Appendix A: the ROC of `seq` given the highest sequence s_l and its ROC. */
export function estimateRoc(highestSeq: number, roc: number, seq: number): number {
  if (highestSeq < SEQ_MOD / 2) {
    return seq - highestSeq > SEQ_MOD / 2 ? (roc === 0 ? 0 : roc - 1) : roc;
  }
  return highestSeq - SEQ_MOD / 2 > seq ? (roc + 1) >>> 0 : roc;
}

/** Bytes of the RTP header (fixed part, CSRCs, extension), or −1 when `packet` cannot be RTP. */
function rtpHeaderLength(packet: Uint8Array): number {
  if (packet.length < RTP_HEADER || (packet[0] ?? 0) >> 6 !== 2) return -1;
  const first = packet[0] ?? 0;
  let length = RTP_HEADER + 4 * (first & 0x0f);
  if ((first & 0x10) !== 0) {
    if (packet.length < length + 4) return -1;
    length += 4 + 4 * (((packet[length + 2] ?? 0) << 8) | (packet[length + 3] ?? 0));
  }
  return length <= packet.length ? length : -1;
}
