/**
 * DTMF commands (media/protocol/dtmf.ts): one `leg.dtmf` stream per leg from
 * RFC 4733, SIP INFO and in-band detection, de-duplicated by a per-leg
 * DtmfCoalescer; `leg.dtmf.send` through the leg's `dtmf-tone` stage.
 *
 * In-band detection runs on every leg that did not negotiate telephone-event
 * (`INBAND_DETECTION = 'auto'`); it is (re)considered whenever the engine
 * reports a leg update. Two engine hooks are used when present (see the
 * report to the lead): `EngineContext.onLegUpdated` and
 * `Leg.setDtmfReporter`, through which the leg hands its RFC 4733 reports to
 * the coalescer instead of emitting them itself.
 */
import type { CommandModule, EngineContext } from '../engine-context.js';
import { MediaError } from '../errors.js';
import type { InProcessEngineOptions } from '../in-process-engine.js';
import type { Leg } from '../leg.js';
import { receives, sends } from '../leg-params.js';
import type { DtmfCommands, DtmfSource } from '../protocol.js';
import { DtmfCoalescer, DtmfSendStage, InbandDtmfStage, validateDigits, validateReport, validateSendDuration } from '../dtmf/index.js';

/** 'auto': legs without telephone-event; 'always': every leg (the coalescer drops doubles); 'off'. */
export type InbandDetection = 'auto' | 'always' | 'off';
export const INBAND_DETECTION: InbandDetection = 'auto';

/** Optional engine hooks (additive; this module works without them, minus what they enable). */
type HookedContext = EngineContext & { onLegUpdated?: (listener: (leg: Leg) => void) => void };
type HookedLeg = Leg & { setDtmfReporter?: (reporter: ((digit: string, durationMs: number) => void) | null) => void };

interface LegDtmf {
  readonly coalescer: DtmfCoalescer;
  detector: InbandDtmfStage | null;
  sender: DtmfSendStage | null;
}

const WANTS_DETECTOR: Readonly<Record<InbandDetection, (leg: Leg) => boolean>> = {
  auto: (leg) => leg.params !== null && leg.params.telephoneEvent === null && receives(leg.params.direction),
  always: (leg) => leg.params !== null && receives(leg.params.direction),
  off: () => false,
};

export function createDtmfCommands(context: EngineContext, _options: InProcessEngineOptions, detection: InbandDetection = INBAND_DETECTION): CommandModule<DtmfCommands> {
  const legs = new Map<string, LegDtmf>();

  const stateOf = (leg: Leg): LegDtmf => {
    let state = legs.get(leg.legId);
    if (state === undefined) {
      const legId = leg.legId;
      const coalescer = new DtmfCoalescer((digit, durationMs, source) => context.emit({ type: 'leg.dtmf', legId, digit, durationMs, source }));
      state = { coalescer, detector: null, sender: null };
      legs.set(legId, state);
    }
    return state;
  };

  const report = (leg: Leg, digit: string, durationMs: number, source: DtmfSource): void => {
    stateOf(leg).coalescer.report(digit, durationMs, source, context.clock.now());
  };

  /** Installs or removes the in-band detector to match the leg's parameters; routes RFC 4733 reports here. */
  const refresh = (leg: Leg): void => {
    if (leg.closed) return;
    const state = stateOf(leg);
    (leg as HookedLeg).setDtmfReporter?.((digit, durationMs) => report(leg, digit, durationMs, 'rfc4733'));
    const want = WANTS_DETECTOR[detection](leg);
    if (want && state.detector === null) {
      state.detector = new InbandDtmfStage((digit, durationMs) => report(leg, digit, durationMs, 'inband'));
      leg.setInputStage('dtmf-detect', state.detector);
    } else if (!want && state.detector !== null) {
      state.detector = null;
      leg.setInputStage('dtmf-detect', null);
    }
  };

  (context as HookedContext).onLegUpdated?.(refresh);
  context.onLegClosing((leg) => {
    legs.delete(leg.legId);
  });

  const send = (args: { legId: string; digits: string; durationMs?: number }): void => {
    const digits = validateDigits('leg.dtmf.send', args.digits);
    const durationMs = validateSendDuration(args.durationMs);
    const leg = context.leg(args.legId);
    const params = leg.params;
    if (params === null) throw new MediaError('ERR_INVALID_ARGS', `leg.dtmf.send: leg "${leg.legId}" has no media parameters yet (no offer/answer)`);
    if (!sends(params.direction)) throw new MediaError('ERR_INVALID_ARGS', `leg.dtmf.send: leg "${leg.legId}" does not send media (direction ${params.direction})`);
    const state = stateOf(leg);
    let stage = state.sender;
    if (stage === null) {
      const created: DtmfSendStage = new DtmfSendStage(leg, {
        frameMs: context.clock.frameMs,
        // Removed after the tick that found it idle, not during the leg's stage loop.
        onIdle: () =>
          queueMicrotask(() => {
            if (state.sender !== created || created.pending > 0) return;
            state.sender = null;
            if (!leg.closed) leg.setOutputStage('dtmf-tone', null);
          }),
      });
      stage = created;
      state.sender = created;
      leg.setOutputStage('dtmf-tone', created);
    }
    if (!stage.enqueue(digits, durationMs)) throw new MediaError('ERR_INVALID_ARGS', `leg.dtmf.send: too many digits queued on leg "${leg.legId}"; wait for them to go out`);
  };

  return {
    handlers: {
      'leg.dtmf.send': send,
      'leg.dtmf.report': (args) => {
        const { digit, durationMs } = validateReport(args.digit, args.durationMs);
        const leg = context.leg(args.legId);
        refresh(leg);
        report(leg, digit, durationMs, 'info');
      },
    },
    close: () => {
      legs.clear();
    },
  };
}
