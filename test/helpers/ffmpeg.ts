/**
 * Runs Debian's ffmpeg as an independent reference codec in tests: input on
 * stdin, output on stdout, no files. `ffmpegMissing` is the reason to skip
 * when it is not installed (scripts/run-tests.mjs installs it when it can).
 */
import { spawn, spawnSync } from 'node:child_process';

function installed(): boolean {
  return spawnSync('ffmpeg', ['-hide_banner', '-version'], { stdio: 'ignore' }).status === 0;
}

/** False when ffmpeg is present; else the skip reason for tap. */
export const ffmpegMissing: string | false = installed() ? false : 'ffmpeg is not installed (Debian package ffmpeg)';

/** Runs `ffmpeg -v error <args>` with `input` on stdin; resolves with stdout, rejects with stderr on failure. */
export function ffmpeg(args: readonly string[], input: Uint8Array): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const child = spawn('ffmpeg', ['-hide_banner', '-v', 'error', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(new Uint8Array(Buffer.concat(out)));
      else reject(new Error(`ffmpeg ${args.join(' ')} exited ${String(code)}: ${Buffer.concat(err).toString()}`));
    });
    child.stdin.on('error', () => undefined); // ffmpeg may close stdin early on error; the exit code tells
    child.stdin.end(input);
  });
}

/** Little-endian s16 bytes of `pcm` (ffmpeg's s16le). */
export function s16le(pcm: Int16Array): Uint8Array {
  const bytes = new Uint8Array(pcm.length * 2);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < pcm.length; i++) view.setInt16(2 * i, pcm[i] ?? 0, true);
  return bytes;
}

/** PCM from s16le bytes. */
export function fromS16le(bytes: Uint8Array): Int16Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const pcm = new Int16Array(bytes.length >> 1);
  for (let i = 0; i < pcm.length; i++) pcm[i] = view.getInt16(2 * i, true);
  return pcm;
}
