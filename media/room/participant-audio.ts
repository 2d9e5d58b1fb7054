/**
 * The rate-dependent half of a room participant, rebuilt when a re-INVITE
 * changes the leg's codec rate: talker detection and optional DSP at the
 * leg's rate, resamplers between the leg and the room, and the N−1 output.
 *
 * Per-participant DSP runs here, inside the participant (not as the leg's
 * `dsp` input stage, which stays free for leg-level use), in the order of
 * design §3: echo cancellation (far end = exactly what this participant was
 * sent last tick) → noise suppression → AGC (driven by the talker decision),
 * then level + VAD. Idle participants cost decode + DSP (if enabled) + level
 * and VAD: input resampling and the N−1 mix run only for mixed talkers.
 */
import {
  AutomaticGainControl,
  createResampler,
  EchoCanceller,
  SpectralNoiseSuppressor,
  type Resampler,
} from '../../dsp/index.js';
import type { FrameKind } from '../jitter-buffer.js';
import { FRAME_MS } from '../media-clock.js';
import type { RoomOptions } from '../protocol.js';
import { SoftLimiter } from './soft-limiter.js';
import { createTalkerDetector, type TalkerDetector } from './talker-detector.js';

interface Dsp {
  readonly aec: EchoCanceller | null;
  readonly ns: SpectralNoiseSuppressor | null;
  readonly agc: AutomaticGainControl | null;
}

export async function createParticipantAudio(legRate: number, options: RoomOptions): Promise<ParticipantAudio> {
  const roomRate = options.sampleRate;
  const same = legRate === roomRate;
  const [detector, toRoom, fromRoom] = await Promise.all([
    createTalkerDetector({
      sampleRate: legRate,
      thresholdDb: options.talkerThresholdDb,
      hangoverMs: options.talkerHangoverMs,
      mode: options.talkerDetection ?? 'vad',
      frameMs: FRAME_MS,
    }),
    same ? null : createResampler({ inputRate: legRate, outputRate: roomRate }),
    same ? null : createResampler({ inputRate: roomRate, outputRate: legRate }),
  ]);
  const dsp: Dsp = {
    aec: options.dsp.echoCancellation ? new EchoCanceller({ sampleRate: legRate }) : null,
    ns: options.dsp.noiseSuppression ? new SpectralNoiseSuppressor({ sampleRate: legRate }) : null,
    agc: options.dsp.agc ? new AutomaticGainControl({ sampleRate: legRate }) : null,
  };
  return new ParticipantAudio(legRate, roomRate, detector, toRoom, fromRoom, dsp);
}

export class ParticipantAudio {
  readonly legRate: number;
  readonly detector: TalkerDetector;
  readonly #toRoom: Resampler | null;
  readonly #fromRoom: Resampler | null;
  readonly #dsp: Dsp;
  readonly #limiter: SoftLimiter;
  /** This tick's processed input at the leg rate, and at the room rate (filled on demand). */
  readonly #input: Int16Array;
  readonly #roomInput: Int16Array;
  #roomInputFresh = false;
  /** N−1 output at the room rate and the leg rate. */
  readonly #roomOutput: Int16Array;
  readonly #output: Int16Array;
  readonly #mixScratch: Float32Array;
  /** What this participant was sent last tick (AEC far end). */
  readonly #sent: Int16Array;
  /** Zeros at the leg rate (deaf participants). */
  readonly silence: Int16Array;

  constructor(legRate: number, roomRate: number, detector: TalkerDetector, toRoom: Resampler | null, fromRoom: Resampler | null, dsp: Dsp) {
    this.legRate = legRate;
    this.detector = detector;
    this.#toRoom = toRoom;
    this.#fromRoom = fromRoom;
    this.#dsp = dsp;
    this.#limiter = new SoftLimiter(roomRate);
    const legSamples = legRate / 50;
    const roomSamples = roomRate / 50;
    this.#input = new Int16Array(legSamples);
    this.#roomInput = new Int16Array(roomSamples);
    this.#roomOutput = new Int16Array(roomSamples);
    this.#output = new Int16Array(legSamples);
    this.#mixScratch = new Float32Array(roomSamples);
    this.#sent = new Int16Array(legSamples);
    this.silence = new Int16Array(legSamples);
  }

  get echoCancelling(): boolean {
    return this.#dsp.aec !== null;
  }

  /** Collect phase: DSP and talker detection on the leg's frame (copied; the leg's stays as it was). */
  input(frame: Int16Array, kind: FrameKind): void {
    const input = this.#input;
    this.#roomInputFresh = false;
    if (kind === 'silence') input.fill(0);
    else input.set(frame.length === input.length ? frame : frame.subarray(0, input.length));
    const { aec, ns, agc } = this.#dsp;
    if (aec !== null) aec.process(this.#sent, input, input);
    if (kind !== 'silence') {
      ns?.process(input, input);
      agc?.process(input, input, this.detector.talking);
    }
    this.detector.process(input, kind);
  }

  /** This tick's input at the room rate (resampled once, and only when asked: only mixed talkers are). */
  roomFrame(): Int16Array {
    if (!this.#roomInputFresh) {
      if (this.#toRoom === null) this.#roomInput.set(this.#input);
      else this.#toRoom.process(this.#input, this.#roomInput);
      this.#roomInputFresh = true;
    }
    return this.#roomInput;
  }

  /** This tick's processed input at the leg rate (per-participant recording). */
  get inputFrame(): Int16Array {
    return this.#input;
  }

  /** N−1: the room mix without this participant's own contribution (`ownGain` 0: the whole mix), limited, at the leg rate. */
  renderMinusOwn(mix: Float32Array, ownGain: number, outGain: number): Int16Array {
    if (ownGain === 0) {
      this.#limiter.process(mix, this.#roomOutput, this.#roomOutput.length, outGain);
    } else {
      const own = this.roomFrame();
      const scratch = this.#mixScratch;
      for (let i = 0; i < scratch.length; i++) scratch[i] = (mix[i] as number) - ownGain * (own[i] as number);
      this.#limiter.process(scratch, this.#roomOutput, scratch.length, outGain);
    }
    if (this.#fromRoom === null) return this.#roomOutput;
    this.#fromRoom.process(this.#roomOutput, this.#output);
    return this.#output;
  }

  /** Records what was sent (the AEC's far end next tick). */
  sent(frame: Int16Array): void {
    if (this.#dsp.aec !== null) this.#sent.set(frame.length === this.#sent.length ? frame : frame.subarray(0, this.#sent.length));
  }

  close(): void {
    this.detector.close();
    this.#toRoom?.destroy();
    this.#fromRoom?.destroy();
  }
}
