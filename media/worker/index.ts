/** media/worker: the media engine hosted in worker_threads, and the factory the server uses. */
import { availableParallelism } from 'node:os';
import type { Logger } from 'pino';
import type { Config } from '../../config/index.js';
import { InProcessEngine } from '../in-process-engine.js';
import type { MediaEngine } from '../protocol.js';
import { WorkerEngine } from './worker-engine.js';

export { WorkerEngine, type WorkerEngineOptions } from './worker-engine.js';
export { spawnWorker, resolveWorkerEntry, loaderExecArgv } from './spawn.js';
export { splitPortRange } from './port-slices.js';

export interface CreateMediaEngineOptions {
  readonly config: Config;
  readonly logger: Logger;
}

/** Worker count for `media.workers` (0: one per core). */
export function mediaWorkerCount(config: Config): number {
  return config.media.workers > 0 ? config.media.workers : availableParallelism();
}

/**
 * The engine the server runs: in the main thread when `media.inProcess`,
 * else `media.workers` worker threads (0: one per core). Resolves once every
 * worker is ready. Close it with `request('engine.close', {})`.
 */
export async function createMediaEngine(options: CreateMediaEngineOptions): Promise<MediaEngine> {
  const { config, logger } = options;
  const common = { rtp: config.rtp, codecs: config.codecs, voice: config.voice, logger };
  if (config.media.inProcess) return new InProcessEngine(common);
  return WorkerEngine.start({ ...common, workers: mediaWorkerCount(config) });
}
