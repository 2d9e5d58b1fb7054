/**
 * RFC 4028 session timers, the clock half. When we are the refresher we
 * refresh at half the interval (`refresh()` supplied by the dialog sends
 * UPDATE or re-INVITE and reports how it went); otherwise we wait for the
 * peer's refresh and give up a little before the interval ends (§10).
 * Every accepted refresh, either way, restarts the clock.
 */
import { refreshDelayMs, type ActiveSessionTimer } from './session-timer.js';
import { NO_TIMER, type CancelTimer, type Scheduler } from './transactions/scheduler.js';

/** What our refresh attempt came to. */
export type RefreshResult =
  /** 2xx: the timer now in force (from the response, or ours when it named none). */
  | { readonly kind: 'refreshed'; readonly timer: ActiveSessionTimer | null }
  /** §10: "If the session refresh request transaction times out or generates a 408 or 481 response". */
  | { readonly kind: 'dead' }
  /** Any other failure (491 after retry, 488, 501...): the session goes on; try again next interval. */
  | { readonly kind: 'failed' };

export class SessionRefresh {
  #timer: ActiveSessionTimer | null = null;
  #cancel: CancelTimer = NO_TIMER;
  #stopped = false;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly refresh: () => Promise<RefreshResult>,
    /** The session is dead: no refresh came, or ours was refused with 408/481 or timed out. */
    private readonly onExpired: () => void,
  ) {}

  get active(): ActiveSessionTimer | null {
    return this.#timer;
  }

  /** A (re)negotiated timer, or null to stop timing the session. */
  set(timer: ActiveSessionTimer | null): void {
    if (this.#stopped) return;
    this.#cancel();
    this.#timer = timer;
    if (timer === null) return;
    this.#cancel = this.scheduler.schedule(refreshDelayMs(timer), () => {
      if (timer.weRefresh) void this.#refreshNow(timer);
      else this.#expire();
    });
  }

  stop(): void {
    this.#stopped = true;
    this.#cancel();
  }

  async #refreshNow(timer: ActiveSessionTimer): Promise<void> {
    let result: RefreshResult;
    try {
      result = await this.refresh();
    } catch {
      result = { kind: 'failed' };
    }
    if (this.#stopped || this.#timer !== timer) return; // ended, or renegotiated meanwhile
    if (result.kind === 'dead') this.#expire();
    else if (result.kind === 'refreshed') this.set(result.timer ?? timer);
    else this.set(timer);
  }

  #expire(): void {
    if (this.#stopped) return;
    this.stop();
    this.onExpired();
  }
}
