/**
 * Loudest-K talker selection with hysteresis, so a room of 200 mixes (and
 * resamples, and encodes N−1 streams for) at most K talkers:
 *
 * - a mixed talker stays mixed until it stops talking (after its hangover)
 *   or someone clearly louder takes its slot;
 * - a free slot goes to the loudest talking candidate;
 * - a candidate displaces the quietest mixed talker only when its score is
 *   `SWAP_MARGIN_DB` higher, so two talkers of similar level do not swap
 *   back and forth every frame (each swap would cut one of them mid-word).
 *
 * Works in place on the candidates' `mixed` flags: no allocation per tick.
 */

export const SWAP_MARGIN_DB = 6;

export interface TalkerCandidate {
  /** Talking and allowed to be heard (not muted). */
  readonly eligible: boolean;
  readonly score: number;
  mixed: boolean;
}

/** Updates `mixed` on every candidate; returns how many are mixed. */
export function selectTalkers(candidates: readonly TalkerCandidate[], maxTalkers: number): number {
  let count = 0;
  for (const c of candidates) {
    if (c.mixed && !c.eligible) c.mixed = false;
    if (c.mixed) count++;
  }
  while (count < maxTalkers) {
    const best = loudestUnmixed(candidates);
    if (best === null) break;
    best.mixed = true;
    count++;
  }
  // At most K swaps per tick; each needs the margin, so this cannot cycle.
  for (let swaps = 0; swaps < maxTalkers; swaps++) {
    const challenger = loudestUnmixed(candidates);
    const weakest = quietestMixed(candidates);
    if (challenger === null || weakest === null || challenger.score < weakest.score + SWAP_MARGIN_DB) break;
    weakest.mixed = false;
    challenger.mixed = true;
  }
  return count;
}

function loudestUnmixed(candidates: readonly TalkerCandidate[]): TalkerCandidate | null {
  let best: TalkerCandidate | null = null;
  for (const c of candidates) if (c.eligible && !c.mixed && (best === null || c.score > best.score)) best = c;
  return best;
}

function quietestMixed(candidates: readonly TalkerCandidate[]): TalkerCandidate | null {
  let worst: TalkerCandidate | null = null;
  for (const c of candidates) if (c.mixed && (worst === null || c.score < worst.score)) worst = c;
  return worst;
}
