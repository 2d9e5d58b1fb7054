/**
 * Target-speaker voice profiles stored in `voice.profilesDir`: the reference
 * recording as NAME.wav and, when a profile builder is wired (dsp/voice's
 * buildVoiceProfile), the built profile as NAME.json, loadable by name.
 */
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ControlError, notFound } from './errors.js';
import { readWavMono } from './wav-reader.js';

/** Builds a JSON-able profile from mono speech (dsp/voice buildVoiceProfile fits); throws when the speech is unusable. */
export type VoiceProfileBuilder = (name: string, samples: Int16Array, sampleRate: number) => unknown;

export interface VoiceProfileInfo {
  readonly name: string;
  readonly durationSeconds: number;
  readonly sampleRate: number;
  /** Whether NAME.json (the built profile) exists. */
  readonly built: boolean;
  readonly createdAt: number;
}

/** Names become file names: keep them to a safe alphabet (no path traversal). */
export const PROFILE_NAME = '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$';
const NAME = new RegExp(PROFILE_NAME);
/** The voice issue asks for at least 10 s of reference speech. */
export const MIN_REFERENCE_SECONDS = 10;

export class VoiceProfileStore {
  constructor(
    readonly dir: string,
    private readonly builder: VoiceProfileBuilder | null = null,
  ) {}

  async list(): Promise<VoiceProfileInfo[]> {
    const names = await this.#names();
    return Promise.all(names.map((name) => this.get(name)));
  }

  async get(name: string): Promise<VoiceProfileInfo> {
    this.#check(name);
    let bytes: Buffer;
    try {
      bytes = await readFile(join(this.dir, `${name}.wav`));
    } catch {
      throw notFound('voice profile', name);
    }
    const pcm = readWavMono(bytes);
    const info = await stat(join(this.dir, `${name}.wav`));
    const built = await stat(join(this.dir, `${name}.json`)).then(() => true, () => false);
    return { name, durationSeconds: pcm.samples.length / pcm.sampleRate, sampleRate: pcm.sampleRate, built, createdAt: info.mtimeMs };
  }

  async create(name: string, wav: Uint8Array, replace = false): Promise<VoiceProfileInfo> {
    this.#check(name);
    const pcm = readWavMono(wav);
    const seconds = pcm.samples.length / pcm.sampleRate;
    if (seconds < MIN_REFERENCE_SECONDS) {
      throw new ControlError('ERR_BAD_REQUEST', `reference recording is ${seconds.toFixed(1)} s; at least ${MIN_REFERENCE_SECONDS} s of speech are needed`);
    }
    if (!replace && (await this.#names()).includes(name)) throw new ControlError('ERR_CONFLICT', `voice profile "${name}" exists (use ?replace=true)`);
    let profile: unknown = null;
    try {
      profile = this.builder ? this.builder(name, pcm.samples, pcm.sampleRate) : null;
    } catch (error) {
      // The builder refuses unusable speech (too little voiced audio): the upload's fault.
      throw new ControlError('ERR_BAD_REQUEST', `cannot build a voice profile from this recording: ${(error as Error).message}`, { cause: error });
    }
    await mkdir(this.dir, { recursive: true });
    await writeFile(join(this.dir, `${name}.wav`), wav);
    if (profile !== null) await writeFile(join(this.dir, `${name}.json`), `${JSON.stringify(profile, null, 2)}\n`);
    return this.get(name);
  }

  async delete(name: string): Promise<void> {
    this.#check(name);
    if (!(await this.#names()).includes(name)) throw notFound('voice profile', name);
    await rm(join(this.dir, `${name}.wav`), { force: true });
    await rm(join(this.dir, `${name}.json`), { force: true });
  }

  async #names(): Promise<string[]> {
    const files = await readdir(this.dir).catch(() => [] as string[]);
    return files.filter((file) => file.endsWith('.wav') && NAME.test(file.slice(0, -4))).map((file) => file.slice(0, -4)).sort();
  }

  #check(name: string): void {
    if (!NAME.test(name)) throw new ControlError('ERR_BAD_REQUEST', `invalid profile name "${name}" (letters, digits, _ and -, at most 64)`);
  }
}
