/**
 * `npm run bench -- codecs [--json] [--seconds S] [--no-native]`: CPU cost of
 * every codec per 20 ms frame (encode and decode, every rate), of the common
 * transcodes (decode → resample → encode), as µs per frame and legs per core,
 * and Opus against native libopus (Debian ffmpeg) measured side by side.
 *
 * Time is this process's CPU time (process.cpuUsage), not wall time, so a
 * busy machine slows the figures less. Input: the espeak-ng speech fixture,
 * resampled to each codec's rate. Transcodes resample with the media path's
 * resampler (dsp/ `createResampler`, Speex WASM, default quality), one per
 * direction with its state carried across frames. "Legs per core": 20 ms divided by the cost
 * of one leg's work per frame (a codec leg decodes one frame and encodes one;
 * a transcode is one direction of a bridged call).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AudioDecoder, AudioEncoder, CodecDescriptor } from '../../codecs/index.js';
import { findCodec, G722Decoder, G722Encoder, OpusDecoder, OpusEncoder, opusEncoderSettings } from '../../codecs/index.js';
import { createResampler, Resampler } from '../../dsp/index.js';
import { loadSpeex } from '../../dsp/wasm/speex.js';
import type { BenchModule } from '../bench.js';
import { parseWav } from '../../media/recording/wav-format.js';

const FRAME_US = 20_000;
const FIXTURE = new URL('../../../test/fixtures/audio/speech-male-16k.wav', import.meta.url);

interface Codec {
  readonly label: string;
  readonly sampleRate: number;
  readonly encoder: () => AudioEncoder;
  readonly decoder: () => AudioDecoder;
}

function descriptorCodec(name: string): Codec {
  const descriptor: CodecDescriptor | undefined = findCodec(name);
  const encoder = descriptor?.createEncoder;
  const decoder = descriptor?.createDecoder;
  if (!descriptor || !encoder || !decoder) throw new Error(`codec ${name} missing`);
  return { label: name, sampleRate: descriptor.sampleRate, encoder: () => encoder({ fmtp: {}, ptime: 20 }), decoder: () => decoder({ fmtp: {}, ptime: 20 }) };
}

function opusCodec(rate: number): Codec {
  return {
    label: `opus ${rate / 1000}k`,
    sampleRate: rate,
    encoder: () => new OpusEncoder(opusEncoderSettings({}, rate)),
    decoder: () => new OpusDecoder(rate),
  };
}

const CODECS: readonly Codec[] = [
  descriptorCodec('PCMU'),
  descriptorCodec('PCMA'),
  { label: 'G722', sampleRate: 16000, encoder: () => new G722Encoder(), decoder: () => new G722Decoder() },
  descriptorCodec('L16'),
  ...[8000, 12000, 16000, 24000, 48000].map(opusCodec),
];

const TRANSCODES: readonly (readonly [string, string])[] = [
  ['PCMU', 'PCMA'],
  ['PCMA', 'PCMU'],
  ['PCMU', 'G722'],
  ['G722', 'PCMU'],
  ['PCMU', 'opus 48k'],
  ['opus 48k', 'PCMU'],
  ['G722', 'opus 16k'],
  ['opus 16k', 'G722'],
];

/** The speech fixture (16 kHz mono s16 WAV), its data chunk read directly. */
function speech16k(): Int16Array {
  return parseWav(readFileSync(FIXTURE)).samples;
}

/** DEFAULT_RESAMPLER_QUALITY, as the media path runs it. */
const RESAMPLER_QUALITY = 5;

/**
 * A resampler from the media path's Speex build. `createResampler` accepts
 * the rates the media path uses (8/16/24/32/48 kHz); Opus's 12 kHz input is
 * made with the same Speex code through the `Resampler` constructor.
 */
async function resamplerFor(from: number, to: number): Promise<Resampler> {
  if (from === 12000 || to === 12000) return new Resampler(await loadSpeex(), from, to, RESAMPLER_QUALITY);
  return createResampler({ inputRate: from, outputRate: to, quality: RESAMPLER_QUALITY });
}

/** `pcm` at `to` Hz, 20 ms at a time through one streaming resampler, its filter delay removed. */
async function resampleAll(pcm: Int16Array, from: number, to: number): Promise<Int16Array> {
  if (from === to) return pcm;
  const resampler = await resamplerFor(from, to);
  const frameIn = from / 50;
  const frameOut = to / 50;
  const frames = Math.floor(pcm.length / frameIn);
  const out = new Int16Array(frames * frameOut);
  for (let f = 0; f < frames; f++) resampler.process(pcm.subarray(f * frameIn, (f + 1) * frameIn), out.subarray(f * frameOut, (f + 1) * frameOut));
  const delay = resampler.delaySamples;
  resampler.destroy();
  return out.subarray(delay);
}

/** CPU µs spent in `work`, repeated over `frames` frames until `seconds` of CPU time (after a warm-up run). */
function cpuPerFrame(seconds: number, frames: number, work: () => void): number {
  work();
  let spent = 0;
  let runs = 0;
  while (spent < seconds * 1e6 || runs < 2) {
    const start = process.cpuUsage();
    work();
    const used = process.cpuUsage(start);
    spent += used.user + used.system;
    runs++;
  }
  return spent / (runs * frames);
}

interface Prepared {
  readonly codec: Codec;
  readonly frames: readonly Int16Array[];
  readonly packets: readonly Uint8Array[];
}

async function prepare(codec: Codec, speech16: Int16Array): Promise<Prepared> {
  const pcm = await resampleAll(speech16, 16000, codec.sampleRate);
  const frame = codec.sampleRate / 50;
  const frames: Int16Array[] = [];
  for (let at = 0; at + frame <= pcm.length; at += frame) frames.push(pcm.subarray(at, at + frame));
  const encoder = codec.encoder();
  const buffer = new Uint8Array(4000);
  const packets = frames.map((f) => buffer.slice(0, encoder.encode(f, buffer)));
  encoder.close?.();
  return { codec, frames, packets };
}

function round(x: number, digits = 2): number {
  const scale = 10 ** digits;
  return Math.round(x * scale) / scale;
}

function benchCodec(p: Prepared, seconds: number): Record<string, number | string> {
  const encoder = p.codec.encoder();
  const decoder = p.codec.decoder();
  const out = new Uint8Array(4000);
  const pcm = new Int16Array(5760);
  const encodeUs = cpuPerFrame(seconds, p.frames.length, () => {
    for (const frame of p.frames) encoder.encode(frame, out);
  });
  const decodeUs = cpuPerFrame(seconds, p.packets.length, () => {
    for (const packet of p.packets) decoder.decode(packet, pcm);
  });
  encoder.close?.();
  decoder.close?.();
  const bytes = p.packets.reduce((n, packet) => n + packet.length, 0) / p.packets.length;
  return {
    codec: p.codec.label,
    sampleRate: p.codec.sampleRate,
    encodeUsPerFrame: round(encodeUs),
    decodeUsPerFrame: round(decodeUs),
    legsPerCore: Math.floor(FRAME_US / (encodeUs + decodeUs)),
    bytesPerFrame: round(bytes, 1),
  };
}

async function benchTranscode(from: Prepared, to: Codec, seconds: number): Promise<Record<string, number | string>> {
  const decoder = from.codec.decoder();
  const encoder = to.encoder();
  const resampler = from.codec.sampleRate === to.sampleRate ? null : await resamplerFor(from.codec.sampleRate, to.sampleRate);
  const decoded = new Int16Array(5760);
  const inFrame = from.codec.sampleRate / 50;
  const resampled = new Int16Array(to.sampleRate / 50);
  const out = new Uint8Array(4000);
  const us = cpuPerFrame(seconds, from.packets.length, () => {
    for (const packet of from.packets) {
      decoder.decode(packet, decoded);
      const pcm = decoded.subarray(0, inFrame);
      if (resampler) resampler.process(pcm, resampled);
      encoder.encode(resampler ? resampled : pcm, out);
    }
  });
  decoder.close?.();
  encoder.close?.();
  resampler?.destroy();
  return { path: `${from.codec.label} → ${to.label}`, usPerFrame: round(us), legsPerCore: Math.floor(FRAME_US / us) };
}

/** ffmpeg's own CPU time (utime+stime from -benchmark) for `args`; null when ffmpeg fails. */
function ffmpegCpuSeconds(args: readonly string[]): number | null {
  const result = spawnSync('ffmpeg', ['-hide_banner', '-nostdin', '-benchmark', '-threads', '1', ...args], { maxBuffer: 1 << 24 });
  const text = result.stderr?.toString() ?? '';
  const match = /bench: utime=([\d.]+)s stime=([\d.]+)s/.exec(text);
  return result.status === 0 && match ? Number(match[1]) + Number(match[2]) : null;
}

/**
 * Native libopus cost per 20 ms frame at 48 kHz, complexity 5, VOIP, 32 kbit/s:
 * ffmpeg's CPU time for N and 6N loops of the input, differenced so start-up
 * and file handling cancel out.
 */
function nativeOpus(speech48: Int16Array): Record<string, number | string> | { skipped: string } {
  const version = spawnSync('ffmpeg', ['-hide_banner', '-version'], { encoding: 'utf8' });
  if (version.status !== 0) return { skipped: 'ffmpeg not installed' };
  // A file, not a pipe: -stream_loop needs to seek.
  const dir = mkdtempSync(join(tmpdir(), 'voxbridge-bench-'));
  const file = join(dir, 'speech48k.raw');
  writeFileSync(file, new Uint8Array(speech48.buffer, speech48.byteOffset, speech48.byteLength));
  const frames = Math.floor(speech48.length / 960);
  const encodeArgs = (loops: number): string[] => [
    '-stream_loop', String(loops - 1), '-f', 's16le', '-ar', '48000', '-ac', '1', '-i', file,
    '-c:a', 'libopus', '-application', 'voip', '-compression_level', '5', '-frame_duration', '20', '-b:a', '32k', '-f', 'null', '-',
  ];
  let short: number | null;
  let long: number | null;
  try {
    short = ffmpegCpuSeconds(encodeArgs(1));
    long = ffmpegCpuSeconds(encodeArgs(6));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (short === null || long === null) return { skipped: 'ffmpeg has no libopus encoder' };
  const libopus = /libopus/.test(version.stdout) ? 'linked' : 'unknown';
  return {
    ffmpeg: version.stdout.split('\n')[0] ?? '',
    libopus,
    command: `ffmpeg -benchmark -threads 1 -stream_loop K -f s16le -ar 48000 -ac 1 -i speech48k.raw -c:a libopus -application voip -compression_level 5 -frame_duration 20 -b:a 32k -f null -  (K = 0 and 5, differenced)`,
    encodeUsPerFrame: round(((long - short) * 1e6) / (5 * frames)),
  };
}

export const bench: BenchModule = {
  description: 'codec encode/decode and transcode cost per 20 ms frame; Opus vs native libopus',
  async run(args) {
    const secondsArg = args.indexOf('--seconds');
    const seconds = secondsArg >= 0 ? Number(args[secondsArg + 1] ?? 1) : 1;
    const speech = speech16k();
    const prepared = new Map<string, Prepared>();
    for (const codec of CODECS) prepared.set(codec.label, await prepare(codec, speech));
    const codecs = [...prepared.values()].map((p) => benchCodec(p, seconds));
    const transcodes: Record<string, number | string>[] = [];
    for (const [from, to] of TRANSCODES) {
      const source = prepared.get(from);
      const target = prepared.get(to);
      if (!source || !target) throw new Error(`transcode ${from} → ${to}: unknown codec`);
      transcodes.push(await benchTranscode(source, target.codec, seconds));
    }
    const ours48 = codecs.find((c) => c.codec === 'opus 48k');
    const native = args.includes('--no-native') ? { skipped: '--no-native' } : nativeOpus(await resampleAll(speech, 16000, 48000));
    const nativeUs = 'encodeUsPerFrame' in native ? Number(native.encodeUsPerFrame) : NaN;
    const oursUs = Number(ours48?.encodeUsPerFrame ?? NaN);
    const byLabel = (label: string): Record<string, number | string> | undefined => codecs.find((c) => c.codec === label);
    const worst = (labels: readonly string[]): number =>
      Math.max(...labels.flatMap((l) => [Number(byLabel(l)?.encodeUsPerFrame), Number(byLabel(l)?.decodeUsPerFrame)]));
    return {
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      seconds,
      input: 'test/fixtures/audio/speech-male-16k.wav (espeak-ng), resampled to each rate; Opus: VOIP, complexity 5, 32 kbit/s VBR',
      resampler: `dsp/resampler.ts (Speex WASM, quality ${RESAMPLER_QUALITY}), one streaming instance per transcode direction`,
      codecs,
      transcodes,
      opusVsNative: {
        native,
        oursEncodeUsPerFrame: oursUs,
        ratio: Number.isFinite(nativeUs) ? round(oursUs / nativeUs) : null,
      },
      targets: {
        'G.711 <= 5 us/frame each way': worst(['PCMU', 'PCMA']) <= 5,
        'G.722 <= 60 us/frame each way': worst(['G722']) <= 60,
        'Opus 48k c5 encode <= 1.5x native': Number.isFinite(nativeUs) ? oursUs / nativeUs <= 1.5 : null,
      },
    };
  },
};
