/**
 * Splits `rtp.ports` into one disjoint slice per media worker, so each
 * worker's port pool hands out pairs no other worker can bind. Slices hold
 * whole RTP/RTCP pairs (even RTP port, odd RTCP port).
 */
import { parsePortRange } from '../../config/index.js';
import { MediaError } from '../errors.js';

/** "LOW-HIGH" per worker, in worker order; pairs are spread as evenly as possible. */
export function splitPortRange(ports: string, workers: number): string[] {
  const { low, high } = parsePortRange(ports);
  const first = low % 2 === 0 ? low : low + 1;
  const pairs = Math.max(0, Math.floor((high - first + 1) / 2));
  if (workers < 1 || pairs < workers) {
    throw new MediaError('ERR_INVALID_ARGS', `rtp.ports ${ports} holds ${pairs} port pairs, too few for ${workers} media workers; widen rtp.ports or lower media.workers`);
  }
  const base = Math.floor(pairs / workers);
  const extra = pairs % workers;
  const slices: string[] = [];
  let next = first;
  for (let index = 0; index < workers; index++) {
    const count = base + (index < extra ? 1 : 0);
    slices.push(`${next}-${next + 2 * count - 1}`);
    next += 2 * count;
  }
  return slices;
}
