/** CPU and memory of the current process, sampled so that a parent can difference two samples. */
export interface ProcessSample {
  /** Monotonic time of the sample in this process (ms; only differences mean anything). */
  readonly atMs: number;
  /** CPU time of the whole process (all threads) so far, µs. */
  readonly cpuUserUs: number;
  readonly cpuSystemUs: number;
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  readonly externalBytes: number;
}

export function sampleProcess(): ProcessSample {
  const cpu = process.cpuUsage();
  const memory = process.memoryUsage();
  return {
    atMs: performance.now(),
    cpuUserUs: cpu.user,
    cpuSystemUs: cpu.system,
    rssBytes: memory.rss,
    heapUsedBytes: memory.heapUsed,
    externalBytes: memory.external,
  };
}

/** CPU between two samples of one process, as % of one core (200 = two cores busy). */
export function cpuPercentBetween(from: ProcessSample, to: ProcessSample): number {
  const wallUs = (to.atMs - from.atMs) * 1000;
  if (wallUs <= 0) return 0;
  const used = to.cpuUserUs - from.cpuUserUs + (to.cpuSystemUs - from.cpuSystemUs);
  return Math.round((used / wallUs) * 1000) / 10;
}
