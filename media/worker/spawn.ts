/**
 * Starts a worker_thread from a module URL, both from the compiled tree
 * (`dist/…/x.js`) and from TypeScript sources (under tap, or any runner that
 * loads `.ts` through an `--import`/`--loader` hook).
 *
 * Callers always pass the `.js` URL (`new URL('./media-worker.js',
 * import.meta.url)`), as NodeNext imports do. When that file does not exist but
 * its `.ts` sibling does, we are running from sources: the worker is started on
 * the `.ts` file with the parent's module hooks. Hooks registered with
 * `--import` in the main thread do not reach a worker by themselves (Node 20);
 * passing them in the worker's `execArgv` makes the worker run the same
 * `--import` and register its own. Other execArgv entries (e.g. tap's coverage
 * and mock hooks) are dropped: they are per-process concerns.
 */
import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** execArgv flags that load module hooks (TS loaders), in both `--flag=value` and `--flag value` forms. */
const HOOK_FLAGS = ['--import', '--loader', '--experimental-loader', '--require', '-r'] as const;
/** Hook modules that make sense only once per process (tap's process info and mocking). */
const PROCESS_ONLY_HOOKS = /@tapjs[\\/](processinfo|mock)/;
/** Flags kept as they are (they change how code runs, not what is loaded). */
const KEPT_FLAGS = new Set(['--enable-source-maps', '--expose-gc', '--cpu-prof', '--heap-prof']);

export interface ResolvedWorkerEntry {
  /** The module the worker runs. */
  readonly url: URL;
  /** True when the entry is TypeScript and needs the parent's loader hooks. */
  readonly typescript: boolean;
}

/** The repository root (this file is media/worker/spawn.ts, or dist/media/worker/spawn.js). */
const SOURCE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Set by the test command right after it built dist/: workers started from the
 * TypeScript sources run their compiled twin instead of compiling the media
 * tree again in every thread (seconds each, minutes on a loaded machine).
 */
export const PREFER_BUILT_WORKERS_ENV = 'VOXBRIDGE_PREFER_BUILT_WORKERS';

/** Picks the compiled `.js` entry when present, else its `.ts` source (or, when asked, the build of it in dist/). */
export function resolveWorkerEntry(url: URL): ResolvedWorkerEntry {
  if (url.protocol !== 'file:' || !url.pathname.endsWith('.js') || existsSync(fileURLToPath(url))) return { url, typescript: false };
  const tsUrl = new URL(url.href.replace(/\.js$/, '.ts'));
  if (existsSync(fileURLToPath(tsUrl))) {
    if (process.env[PREFER_BUILT_WORKERS_ENV] === '1') {
      const built = `${SOURCE_ROOT}dist/${relative(SOURCE_ROOT, fileURLToPath(url))}`;
      if (existsSync(built)) return { url: pathToFileURL(built), typescript: false };
    }
    return { url: tsUrl, typescript: true };
  }
  throw new Error(`worker entry ${fileURLToPath(url)} does not exist (nor its .ts source): run "npm run build" first`);
}

/**
 * The part of `execArgv` a TypeScript worker needs: module-hook flags (minus
 * process-only ones) and a few harmless runtime flags.
 */
export function loaderExecArgv(execArgv: readonly string[] = process.execArgv): string[] {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i] ?? '';
    if (KEPT_FLAGS.has(arg)) {
      kept.push(arg);
      continue;
    }
    const flag = HOOK_FLAGS.find((f) => arg === f || arg.startsWith(`${f}=`));
    if (flag === undefined) continue;
    const separate = arg === flag;
    const value = separate ? (execArgv[i + 1] ?? '') : arg.slice(flag.length + 1);
    if (separate) i++;
    if (!PROCESS_ONLY_HOOKS.test(value)) kept.push(`${flag}=${value}`);
  }
  return kept;
}

/**
 * `new Worker(url, options)`, resolving `.js` → `.ts` when running from
 * sources. Throws a clear error when a `.ts` entry is needed but the parent
 * has no module hook to load it with.
 */
export function spawnWorker(url: URL, options: WorkerOptions = {}): Worker {
  const entry = resolveWorkerEntry(url);
  if (!entry.typescript) return new Worker(entry.url, options);
  const hooks = loaderExecArgv();
  if (!hooks.some((arg) => !KEPT_FLAGS.has(arg))) {
    throw new Error(
      `worker entry ${fileURLToPath(entry.url)} is TypeScript but this process has no loader hook (--import); run the compiled build (dist/) or start node with a TS loader`,
    );
  }
  return new Worker(entry.url, { ...options, execArgv: [...hooks, ...(options.execArgv ?? [])] });
}
