/**
 * The one way the SIP stack waits. Transactions and dialogs take a
 * `Scheduler` so tests can drive time by hand; the default uses setTimeout.
 */

/** Cancels a scheduled callback; calling it twice, or after it ran, is harmless. */
export type CancelTimer = () => void;

export interface Scheduler {
  schedule(delayMs: number, callback: () => void): CancelTimer;
}

export const realScheduler: Scheduler = {
  schedule(delayMs, callback) {
    const timer = setTimeout(callback, delayMs);
    return () => clearTimeout(timer);
  },
};

export const NO_TIMER: CancelTimer = () => undefined;
