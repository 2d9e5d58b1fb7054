/**
 * The `dtmf-detect` input stage: runs the Goertzel DTMF receiver (dsp/) over
 * what the leg received, at the leg's rate (a new receiver when a re-INVITE
 * changes it), and reports each digit when its tone ends.
 */
import { DtmfDetector } from '../../dsp/index.js';
import type { FrameContext, InputStage } from '../leg-stages.js';

export type InbandDigitListener = (digit: string, durationMs: number) => void;

export class InbandDtmfStage implements InputStage {
  /**
   * Detection rides on ticks the leg runs anyway (an app, a room, a
   * recording): a leg nobody listens to is not decoded just for DTMF. Read
   * by the leg once InputStage has the flag (see the report to the lead).
   */
  readonly passive = true;
  readonly #onDigit: InbandDigitListener;
  #detector: DtmfDetector | null = null;

  constructor(onDigit: InbandDigitListener) {
    this.#onDigit = onDigit;
  }

  capture(frame: Int16Array, context: FrameContext): void {
    let detector = this.#detector;
    if (detector?.sampleRate !== context.sampleRate) {
      detector = new DtmfDetector({ sampleRate: context.sampleRate });
      this.#detector = detector;
    }
    const events = detector.process(frame);
    // Indexed: this runs every tick of every such leg, and events are almost always none.
    for (let i = 0; i < events.length; i++) {
      const event = events[i];
      if (event?.type === 'end') this.#onDigit(event.digit, event.durationMs);
    }
  }

  close(): void {
    this.#detector = null;
  }
}
