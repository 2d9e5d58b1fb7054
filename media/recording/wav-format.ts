/**
 * RIFF/WAVE layout for 16-bit PCM: the 44-byte header the writer emits (sizes
 * patched when the file is finished) and a parser for what the reader
 * accepts (PCM or WAVE_FORMAT_EXTENSIBLE, 16 bits, any rate, 1 or 2
 * channels; chunks other than `fmt ` and `data` are skipped).
 */

export const WAV_HEADER_BYTES = 44;
/** Byte offsets of the two size fields patched on close. */
export const RIFF_SIZE_OFFSET = 4;
export const DATA_SIZE_OFFSET = 40;
/** The data chunk size is a uint32: a file stops growing at this many data bytes. */
export const MAX_WAV_DATA_BYTES = 0xffff_fff0;

const PCM_FORMAT = 1;
const EXTENSIBLE_FORMAT = 0xfffe;
const BITS_PER_SAMPLE = 16;

export interface PcmAudio {
  readonly sampleRate: number;
  readonly channels: number;
  /** Interleaved 16-bit samples. */
  readonly samples: Int16Array;
}

/** Why a file is not audio we can play; the message names the problem. */
export class WavFormatError extends Error {
  override readonly name = 'WavFormatError';
}

/** A canonical header for `dataBytes` bytes of 16-bit PCM. */
export function encodeWavHeader(sampleRate: number, channels: number, dataBytes: number): Buffer {
  const header = Buffer.alloc(WAV_HEADER_BYTES);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(WAV_HEADER_BYTES - 8 + dataBytes, RIFF_SIZE_OFFSET);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(PCM_FORMAT, 20);
  header.writeUInt16LE(channels, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * channels * 2, 28);
  header.writeUInt16LE(channels * 2, 32);
  header.writeUInt16LE(BITS_PER_SAMPLE, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(dataBytes, DATA_SIZE_OFFSET);
  return header;
}

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** `length` little-endian samples from `bytes[offset..]`, copied into a new array. */
function readInt16LE(bytes: Uint8Array, offset: number, length: number): Int16Array {
  if (LITTLE_ENDIAN_HOST) {
    const start = bytes.byteOffset + offset;
    return new Int16Array(bytes.buffer.slice(start, start + 2 * length));
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, 2 * length);
  const samples = new Int16Array(length);
  for (let i = 0; i < length; i++) samples[i] = view.getInt16(2 * i, true);
  return samples;
}

function tag(bytes: Uint8Array, offset: number): string {
  return String.fromCharCode(...bytes.subarray(offset, offset + 4));
}

interface WavFmt {
  readonly sampleRate: number;
  readonly channels: number;
}

function parseFmt(view: DataView, body: number, size: number): WavFmt {
  if (size < 16) throw new WavFormatError(`fmt chunk is ${size} bytes, expected at least 16`);
  const code = view.getUint16(body, true);
  const channels = view.getUint16(body + 2, true);
  const sampleRate = view.getUint32(body + 4, true);
  const bits = view.getUint16(body + 14, true);
  if ((code !== PCM_FORMAT && code !== EXTENSIBLE_FORMAT) || bits !== BITS_PER_SAMPLE) {
    throw new WavFormatError(`format ${code} with ${bits} bits per sample is not supported (16-bit PCM only; convert with "sox in.wav -b 16 -e signed out.wav")`);
  }
  if (channels !== 1 && channels !== 2) throw new WavFormatError(`${channels} channels are not supported (mono or stereo only)`);
  if (sampleRate < 1000 || sampleRate > 192_000) throw new WavFormatError(`sample rate ${sampleRate} Hz is out of range (1000..192000)`);
  return { sampleRate, channels };
}

/** Parses a 16-bit PCM WAV file; throws WavFormatError saying what is wrong. */
export function parseWav(bytes: Uint8Array): PcmAudio {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 12 || tag(bytes, 0) !== 'RIFF' || tag(bytes, 8) !== 'WAVE') throw new WavFormatError('not a RIFF/WAVE file');
  let offset = 12;
  let fmt: WavFmt | undefined;
  while (offset + 8 <= bytes.length) {
    const id = tag(bytes, offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (body + 16 > bytes.length) throw new WavFormatError('fmt chunk is truncated');
      fmt = parseFmt(view, body, size);
    } else if (id === 'data') {
      if (!fmt) throw new WavFormatError('data chunk comes before the fmt chunk');
      // A recording cut short (size never patched) keeps what is there.
      const frameBytes = 2 * fmt.channels;
      const available = Math.min(size, bytes.length - body);
      const length = Math.floor(available / frameBytes) * fmt.channels;
      return { ...fmt, samples: readInt16LE(bytes, body, length) };
    }
    offset = body + size + (size & 1);
  }
  throw new WavFormatError(fmt ? 'no data chunk' : 'no fmt chunk');
}
