#!/usr/bin/env node
/**
 * Benchmark runner: `npm run bench -- NAME [--json] [bench flags]`.
 * Each benchmark is a module in scripts/bench/ exporting `run(args)`; the
 * runner prints its result as JSON on stdout (the `--json` flag is accepted
 * for symmetry: output is always JSON so results can be recorded verbatim).
 * Without NAME it lists the benchmarks.
 */
export interface BenchModule {
  /** Human description shown in the list. */
  readonly description: string;
  run(args: readonly string[]): Promise<unknown>;
}

/** The table of benchmarks; modules load lazily so one bench's deps never slow another. */
const BENCHES: Readonly<Record<string, () => Promise<BenchModule>>> = {
  dsp: async () => (await import('./bench/dsp.js')).bench,
  sip: async () => (await import('./bench/sip.js')).bench,
  codecs: async () => (await import('./bench/codecs.js')).bench,
  voice: async () => (await import('./bench/voice.js')).bench,
  conference: async () => (await import('./bench/conference.js')).bench,
  'echo-load': async () => (await import('./bench/echo-load.js')).bench,
  latency: async () => (await import('./bench/latency.js')).bench,
};

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv.filter((arg) => arg !== '--json');
  if (name === undefined || name === '--help') {
    const lines = await Promise.all(Object.entries(BENCHES).map(async ([key, load]) => `  ${key.padEnd(12)} ${(await load()).description}`));
    process.stdout.write(`usage: npm run bench -- NAME [--json]\n\n${lines.join('\n')}\n`);
    return 0;
  }
  const load = BENCHES[name];
  if (!load) {
    process.stderr.write(`unknown benchmark "${name}"; known: ${Object.keys(BENCHES).join(', ')}\n`);
    return 2;
  }
  const result = await (await load()).run(rest);
  process.stdout.write(`${JSON.stringify({ bench: name, node: process.version, date: new Date().toISOString(), result }, null, 2)}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
