/**
 * `npm run bench -- voice [--json] [--quick] [--filter TEXT] [--seconds S] [--no-legs]`:
 * CPU µs per 20 ms frame of every voice preset (plus no transform and a
 * target-speaker conversion) at 8, 16 and 48 kHz, and each rate's algorithmic
 * latency. Input: the espeak-ng speech fixture, resampled to each rate with
 * the media path's resampler; each case runs warm, then repeats until
 * `--seconds` of CPU time (process.cpuUsage).
 *
 * A second part, the number of concurrent transformed legs the machine
 * sustains, belongs to the voice host: when `scripts/bench/voice-legs.ts`
 * exists and exports `voiceLegs(args)`, its result is added as `concurrentLegs`
 * (`--no-legs` skips it).
 */
import { existsSync, readFileSync } from 'node:fs';
import type { BenchModule } from '../bench.js';
import { createResampler } from '../../dsp/resampler.js';
import { buildVoiceProfile, createVoiceProcessor, LpcPsolaVoiceProcessor, VOICE_PRESETS, type VoiceSpec } from '../../dsp/voice/index.js';
import { parseWav } from '../../media/recording/wav-format.js';

/** test/fixtures/audio/, from dist/scripts/bench/ (npm run bench) or scripts/bench/ (TS loader). */
const FIXTURES = [new URL('../../../test/fixtures/audio/', import.meta.url), new URL('../../test/fixtures/audio/', import.meta.url)].find((url) =>
  existsSync(new URL('speech-male-16k.wav', url)),
) ?? new URL('../../../test/fixtures/audio/', import.meta.url);
const RATES = [8000, 16000, 48000] as const;
type Rate = (typeof RATES)[number];

interface VoiceCase {
  readonly name: string;
  readonly spec: (rate: Rate) => VoiceSpec;
}

function wavData(name: string): Int16Array {
  return parseWav(readFileSync(new URL(name, FIXTURES))).samples;
}

async function resample(pcm: Int16Array, to: Rate): Promise<Int16Array> {
  if (to === 16000) return pcm;
  const resampler = await createResampler({ inputRate: 16000, outputRate: to });
  const frameIn = 320;
  const frameOut = to / 50;
  const frames = Math.floor(pcm.length / frameIn);
  const out = new Int16Array(frames * frameOut);
  for (let f = 0; f < frames; f++) resampler.process(pcm.subarray(f * frameIn, (f + 1) * frameIn), out.subarray(f * frameOut, (f + 1) * frameOut));
  resampler.destroy();
  return out;
}

function cases(): VoiceCase[] {
  // The female fixture looped to 10 s is the target speaker for the conversion case.
  const female = wavData('speech-female-16k.wav');
  const looped = new Int16Array(16000 * 10);
  for (let i = 0; i < looped.length; i++) looped[i] = female[i % female.length] ?? 0;
  const profile = buildVoiceProfile('bench-female', looped, 16000);
  return [
    { name: 'none', spec: () => ({}) },
    ...VOICE_PRESETS.map((preset) => ({ name: preset, spec: () => ({ preset }) })),
    { name: 'target', spec: () => ({ parameters: { profile } }) },
  ];
}

interface Result {
  readonly preset: string;
  readonly sampleRate: number;
  readonly usPerFrame: number;
  /** Share of one core a leg takes in real time. */
  readonly realTimePercent: number;
  /** Grains placed early to hold the latency bound (0 = the speech never hit the bound). */
  readonly forcedGrains: number;
}

function measure(name: string, spec: VoiceSpec, rate: Rate, pcm: Int16Array, seconds: number): Result {
  const frame = rate / 50;
  const frames = Math.floor(pcm.length / frame);
  const processor = createVoiceProcessor(spec, rate, 1);
  const out = new Int16Array(frame);
  const pass = (): void => {
    for (let f = 0; f < frames; f++) processor.process(pcm.subarray(f * frame, (f + 1) * frame), out);
  };
  pass();
  let spent = 0;
  let runs = 0;
  while (spent < seconds * 1e6 || runs < 2) {
    const start = process.cpuUsage();
    pass();
    const used = process.cpuUsage(start);
    spent += used.user + used.system;
    runs++;
  }
  const us = spent / (runs * frames);
  const forcedGrains = processor instanceof LpcPsolaVoiceProcessor ? processor.stats.forcedGrains : 0;
  return { preset: name, sampleRate: rate, usPerFrame: Number(us.toFixed(1)), realTimePercent: Number(((us / 20000) * 100).toFixed(2)), forcedGrains };
}

/** The host's concurrent-legs part, when it exists (compiled .js, or .ts under a TS loader). */
async function concurrentLegs(args: readonly string[]): Promise<unknown> {
  const here = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
  if (!existsSync(new URL(`./voice-legs.${here}`, import.meta.url))) return undefined;
  const specifier = './voice-legs.js';
  const module = (await import(specifier)) as { voiceLegs?: (args: readonly string[]) => Promise<unknown> };
  return typeof module.voiceLegs === 'function' ? await module.voiceLegs(args) : undefined;
}

function option(args: readonly string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
}

export const bench: BenchModule = {
  description: 'µs per 20 ms frame of each voice preset at 8/16/48 kHz, latency, concurrent legs (--quick, --filter TEXT, --seconds S, --no-legs)',
  async run(args) {
    const quick = args.includes('--quick');
    const filter = option(args, '--filter');
    const seconds = Number(option(args, '--seconds') ?? (quick ? 0.2 : 1));
    const speech = wavData('speech-male-16k.wav');
    const results: Result[] = [];
    const latencyMs: Record<string, number> = {};
    for (const rate of RATES) {
      const pcm = await resample(speech, rate);
      latencyMs[rate] = (1000 * createVoiceProcessor({}, rate).latencySamples) / rate;
      for (const c of cases()) {
        if (filter !== undefined && !c.name.includes(filter)) continue;
        results.push(measure(c.name, c.spec(rate), rate, pcm, seconds));
      }
    }
    const legs = args.includes('--no-legs') ? undefined : await concurrentLegs(args);
    return { frameMs: 20, input: 'speech-male-16k.wav (10.1 s), resampled', latencyMs, results, ...(legs === undefined ? {} : { concurrentLegs: legs }) };
  },
};
