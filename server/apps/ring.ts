/**
 * A target that rings and never answers, for testing CANCEL and caller
 * timeouts (like a phone nobody picks up). After `RING_TIMEOUT_MS` it gives
 * up with 480 Temporarily Unavailable so no transaction lingers.
 */
import type { Application } from './call-context.js';

const RING_TIMEOUT_MS = 60_000;

export const ringApplication: Application = async (call) => {
  call.progress(180);
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      call.reject(480, { reason: 'Temporarily Unavailable', warning: 'nobody answers the ring test target' });
      resolve();
    }, RING_TIMEOUT_MS);
    timer.unref();
    call.onCancel(() => {
      clearTimeout(timer);
      resolve();
    });
  });
};
