/**
 * What a voice worker runs per leg: a processor from `dsp/voice/` (or, in
 * tests, any module with the same `createVoiceProcessor` export). The module
 * is loaded by URL inside the worker, so the host never imports the DSP code
 * and tests can swap in a small processor of their own.
 */
import { resolveWorkerEntry } from '../worker/spawn.js';

export interface VoiceProcessor {
  readonly sampleRate: number;
  readonly latencySamples: number;
  /** Streams one frame: `output` gets as many samples as `input` has. */
  process(input: Int16Array, output: Int16Array): void;
  /** Changes the transform, cross-fading over `fadeMs`. */
  update(spec: unknown, fadeMs?: number): void;
  reset(): void;
}

export interface VoiceProcessorModule {
  createVoiceProcessor(spec: unknown, sampleRate: number, seed?: number): VoiceProcessor;
}

/** The production processors: `dsp/voice/` (its compiled .js, or the .ts source under a TS loader). */
export function defaultProcessorModule(): string {
  return resolveWorkerEntry(new URL('../../dsp/voice/index.js', import.meta.url)).url.href;
}

export function isProcessorModule(value: unknown): value is VoiceProcessorModule {
  return typeof value === 'object' && value !== null && typeof (value as { createVoiceProcessor?: unknown }).createVoiceProcessor === 'function';
}
