/**
 * Minimal RIFF/WAVE reader and writer for tests and fixture generators:
 * 16-bit PCM only (what the fixtures use), any rate, mono or interleaved
 * multi-channel. Chunks other than `fmt ` and `data` are skipped.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface Wav {
  readonly sampleRate: number;
  readonly channels: number;
  /** Interleaved samples. */
  readonly samples: Int16Array;
}

const PCM_FORMAT = 1;
const EXTENSIBLE_FORMAT = 0xfffe;

export function parseWav(bytes: Uint8Array): Wav {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (offset: number): string => String.fromCharCode(...bytes.subarray(offset, offset + 4));
  if (bytes.length < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') throw new Error('not a RIFF/WAVE file');
  let offset = 12;
  let format: { sampleRate: number; channels: number } | undefined;
  while (offset + 8 <= bytes.length) {
    const id = tag(offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ') {
      const code = view.getUint16(body, true);
      const bits = view.getUint16(body + 14, true);
      if ((code !== PCM_FORMAT && code !== EXTENSIBLE_FORMAT) || bits !== 16) {
        throw new Error(`unsupported WAV format ${code} with ${bits} bits (16-bit PCM only)`);
      }
      format = { channels: view.getUint16(body + 2, true), sampleRate: view.getUint32(body + 4, true) };
    } else if (id === 'data') {
      if (!format) throw new Error('WAV data chunk before fmt chunk');
      const length = Math.min(size, bytes.length - body) >> 1;
      const samples = new Int16Array(length);
      for (let i = 0; i < length; i++) samples[i] = view.getInt16(body + 2 * i, true);
      return { ...format, samples };
    }
    offset = body + size + (size & 1);
  }
  throw new Error('WAV file has no data chunk');
}

export function readWav(path: string): Wav {
  return parseWav(readFileSync(path));
}

export function encodeWav(wav: Wav): Uint8Array {
  const dataBytes = wav.samples.length * 2;
  const bytes = new Uint8Array(44 + dataBytes);
  const view = new DataView(bytes.buffer);
  const ascii = (offset: number, text: string): void => {
    for (let i = 0; i < text.length; i++) bytes[offset + i] = text.charCodeAt(i);
  };
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, PCM_FORMAT, true);
  view.setUint16(22, wav.channels, true);
  view.setUint32(24, wav.sampleRate, true);
  view.setUint32(28, wav.sampleRate * wav.channels * 2, true);
  view.setUint16(32, wav.channels * 2, true);
  view.setUint16(34, 16, true);
  ascii(36, 'data');
  view.setUint32(40, dataBytes, true);
  for (let i = 0; i < wav.samples.length; i++) view.setInt16(44 + 2 * i, wav.samples[i] ?? 0, true);
  return bytes;
}

export function writeWav(path: string, wav: Wav): void {
  writeFileSync(path, encodeWav(wav));
}

/** Absolute path of a file in test/fixtures/audio/. */
export function audioFixturePath(name: string): string {
  return fileURLToPath(new URL(`../fixtures/audio/${name}`, import.meta.url));
}

/** A mono fixture from test/fixtures/audio/ (throws if it is not mono). */
export function readAudioFixture(name: string): Wav {
  const wav = readWav(audioFixturePath(name));
  if (wav.channels !== 1) throw new Error(`${name}: expected mono, got ${wav.channels} channels`);
  return wav;
}
