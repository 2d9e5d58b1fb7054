/**
 * `npm run bench -- dsp [--quick] [--filter TEXT]`: µs per 20 ms frame for
 * every DSP block at 8, 16 and 48 kHz. Each case is warmed up, then timed in
 * several rounds; the median round is reported (the minimum too: on a shared
 * machine it is the better estimate of the code's own cost).
 */
import type { BenchModule } from '../bench.js';
import { dspCases, type DspBenchCase } from './dsp-cases.js';

const WARMUP_FRAMES = 500;
const ROUNDS = 25;
const FRAMES_PER_ROUND = 200;

interface CaseResult {
  readonly name: string;
  readonly sampleRate: number;
  readonly usPerFrameMedian: number;
  readonly usPerFrameMin: number;
  /** Share of one core a leg's block takes in real time (20 ms frames). */
  readonly realTimePercent: number;
  readonly note?: string;
}

/** Part B's cases live in dsp-cases-b.ts; loaded when present so either part can land first. */
async function partBCases(): Promise<DspBenchCase[]> {
  const specifier = './dsp-cases-b.js';
  try {
    const module = (await import(specifier)) as { dspCasesB?: unknown };
    return Array.isArray(module.dspCasesB) ? (module.dspCasesB as DspBenchCase[]) : [];
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_MODULE_NOT_FOUND') return [];
    throw error;
  }
}

function time(frame: () => void, frames: number): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < frames; i++) frame();
  return Number(process.hrtime.bigint() - start) / 1000 / frames;
}

async function measure(benchCase: DspBenchCase, sampleRate: number, quick: boolean): Promise<CaseResult> {
  const frame = await benchCase.setup(sampleRate);
  const rounds = quick ? 3 : ROUNDS;
  const perRound = quick ? 50 : FRAMES_PER_ROUND;
  time(frame, quick ? 50 : WARMUP_FRAMES);
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) samples.push(time(frame, perRound));
  samples.sort((a, b) => a - b);
  const median = samples[Math.floor(samples.length / 2)] ?? 0;
  return {
    name: benchCase.name,
    sampleRate,
    usPerFrameMedian: Number(median.toFixed(2)),
    usPerFrameMin: Number((samples[0] ?? 0).toFixed(2)),
    realTimePercent: Number(((median / 20000) * 100).toFixed(3)),
    ...(benchCase.note === undefined ? {} : { note: benchCase.note }),
  };
}

export const bench: BenchModule = {
  description: 'µs per 20 ms frame of each DSP block at 8/16/48 kHz and of the per-leg chain (--quick, --filter TEXT)',
  async run(args) {
    const quick = args.includes('--quick');
    const filterAt = args.indexOf('--filter');
    const filter = filterAt >= 0 ? args[filterAt + 1] : undefined;
    const cases = [...dspCases, ...(await partBCases())].filter((c) => filter === undefined || c.name.includes(filter));
    const results: CaseResult[] = [];
    for (const benchCase of cases) {
      for (const rate of benchCase.sampleRates) results.push(await measure(benchCase, rate, quick));
    }
    return { frameMs: 20, rounds: quick ? 3 : ROUNDS, framesPerRound: quick ? 50 : FRAMES_PER_ROUND, results };
  },
};
