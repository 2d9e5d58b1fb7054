/**
 * The shape of one `dsp` benchmark case. Part A's cases live in
 * `dsp-cases.ts`, part B's in `dsp-cases-b.ts` (exported as `dspCasesB`);
 * `dsp.ts` times them all.
 */

/** Processes one 20 ms frame (the timed call: it must not allocate or log). */
export type DspFrameRunner = () => void;

export interface DspBenchCase {
  /** Short stable name, e.g. `resampler 8k->16k` or `aec`. */
  readonly name: string;
  /** Rates (Hz) the case runs at; the bench times each. */
  readonly sampleRates: readonly number[];
  /** Builds the processor and its input for one rate (async for WASM blocks); returns the per-frame call. */
  setup(sampleRate: number): DspFrameRunner | Promise<DspFrameRunner>;
  /** One line for the report (what is measured, budget). */
  readonly note?: string;
}

/** Rates every block is measured at (issue 5). */
export const BENCH_RATES = [8000, 16000, 48000] as const;
/** The frame the budgets are stated for. */
export const FRAME_MS = 20;

/** Samples in one 20 ms frame at `sampleRate`. */
export function frameSamples(sampleRate: number): number {
  return (sampleRate * FRAME_MS) / 1000;
}
