/**
 * SRTP key derivation (RFC 3711 §4.3) with the AES-CM PRF and a key
 * derivation rate of 0 (the SDES default): each session key is the AES-CTR
 * keystream of the master key, started at IV = (master salt XOR label·2^48)·2^16.
 */
import { createCipheriv } from 'node:crypto';

export const MASTER_KEY_BYTES = 16;
export const MASTER_SALT_BYTES = 14;
const AUTH_KEY_BYTES = 20;

/** Labels of RFC 3711 §4.3.2. */
const LABEL = { rtpCipher: 0, rtpAuth: 1, rtpSalt: 2, rtcpCipher: 3, rtcpAuth: 4, rtcpSalt: 5 } as const;

export interface SessionKeys {
  readonly cipherKey: Buffer;
  readonly authKey: Buffer;
  /** 14-byte session salt. */
  readonly salt: Buffer;
}

export interface DerivedKeys {
  readonly rtp: SessionKeys;
  readonly rtcp: SessionKeys;
}

function derive(masterKey: Buffer, masterSalt: Buffer, label: number, length: number): Buffer {
  const iv = Buffer.alloc(16);
  masterSalt.copy(iv, 0);
  // key_id = label ‖ r (r = 0 at kdr 0), right-aligned against the 112-bit salt: the label lands in byte 7.
  iv[7] = (iv[7] ?? 0) ^ label;
  const cipher = createCipheriv('aes-128-ctr', masterKey, iv);
  return cipher.update(Buffer.alloc(length));
}

export function deriveKeys(masterKey: Buffer, masterSalt: Buffer): DerivedKeys {
  const keys = (cipher: number, auth: number, salt: number): SessionKeys => ({
    cipherKey: derive(masterKey, masterSalt, cipher, MASTER_KEY_BYTES),
    authKey: derive(masterKey, masterSalt, auth, AUTH_KEY_BYTES),
    salt: derive(masterKey, masterSalt, salt, MASTER_SALT_BYTES),
  });
  return {
    rtp: keys(LABEL.rtpCipher, LABEL.rtpAuth, LABEL.rtpSalt),
    rtcp: keys(LABEL.rtcpCipher, LABEL.rtcpAuth, LABEL.rtcpSalt),
  };
}

/**
 * The AES-CM packet IV (RFC 3711 §4.1.1): (salt·2^16) XOR (SSRC·2^64) XOR
 * (index·2^16), written into `iv` (16 bytes). `index` is the 48-bit packet
 * index (SRTP) or the 31-bit SRTCP index.
 */
export function packetIv(iv: Buffer, salt: Buffer, ssrc: number, index: number): Buffer {
  iv.fill(0);
  salt.copy(iv, 0);
  iv.writeUInt32BE((iv.readUInt32BE(4) ^ ssrc) >>> 0, 4);
  const high = Math.floor(index / 0x1_0000_0000);
  iv.writeUInt16BE((iv.readUInt16BE(8) ^ (high & 0xffff)) >>> 0, 8);
  iv.writeUInt32BE((iv.readUInt32BE(10) ^ index) >>> 0, 10);
  return iv;
}
