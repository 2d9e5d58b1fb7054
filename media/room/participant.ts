/**
 * A leg in a room: the `LegApp` the room attaches to the leg. In the collect
 * phase it hands the leg's frame to its `ParticipantAudio` (DSP, talker
 * detection); in the room's mix phase the room decides what it hears (N−1 if
 * it is a mixed talker, else the shared encoding of its output format, or
 * silence when deaf); in the send phase `output` returns that frame and
 * points the leg's packetizer at the shared encoding when it may use it.
 */
import type { Leg } from '../leg.js';
import type { LegApp } from '../leg-app.js';
import { OUTPUT_STAGE_ORDER } from '../leg-stages.js';
import type { FrameKind } from '../jitter-buffer.js';
import type { MediaDirection, ParticipantSettings, ParticipantState } from '../protocol.js';
import type { ParticipantAudio } from './participant-audio.js';
import { dbToGain } from './room-options.js';
import type { SharedOutput } from './shared-output.js';
import { SILENCE_DB } from './talker-detector.js';
import type { TalkerCandidate } from './talker-selector.js';

/** What a participant needs from its room. */
export interface ParticipantHost {
  /** Mix generation: bumped after every mix, so stale input is recognised. */
  readonly generation: number;
  /** The leg's rate or parameters no longer match what was built: rebuild (asynchronously). */
  refresh(participant: RoomParticipant): void;
  /** The leg dropped the participant (another app attached, or the leg closed). */
  detached(participant: RoomParticipant): void;
}

export class RoomParticipant implements LegApp, TalkerCandidate {
  readonly legId: string;
  readonly leg: Leg;
  readonly #host: ParticipantHost;
  settings: ParticipantSettings;
  gainIn: number;
  gainOut: number;
  /** Rebuilt by the room when the leg's rate changes; null until built. */
  audio: ParticipantAudio | null = null;
  /** The leg parameters `audio` and `shared` were built for. */
  builtFor: Leg['params'] = null;
  /** The shared encoding of this participant's output format, when it has one. */
  shared: SharedOutput | null = null;
  mixed = false;
  /** A rebuild is under way. */
  building = false;
  #inputGeneration = -1;
  /** Decided in the mix phase, returned in the send phase. */
  #out: Int16Array | null = null;
  #useShared = false;
  readonly #privateCopy: { frame: Int16Array } = { frame: new Int16Array(0) };
  #detached = false;

  constructor(leg: Leg, host: ParticipantHost, settings: ParticipantSettings) {
    this.legId = leg.legId;
    this.leg = leg;
    this.#host = host;
    this.settings = settings;
    this.gainIn = dbToGain(settings.volumeInDb);
    this.gainOut = dbToGain(settings.volumeOutDb);
  }

  applySettings(settings: ParticipantSettings): void {
    this.settings = settings;
    this.gainIn = dbToGain(settings.volumeInDb);
    this.gainOut = dbToGain(settings.volumeOutDb);
    if (settings.muted) this.audio?.detector.silence();
  }

  /** Input of this very tick, from an unmuted participant. */
  get fresh(): boolean {
    return this.#inputGeneration === this.#host.generation;
  }

  get eligible(): boolean {
    return this.fresh && this.audio !== null && this.audio.detector.talking;
  }

  get score(): number {
    return this.audio?.detector.score ?? SILENCE_DB;
  }

  state(): ParticipantState {
    const detector = this.audio?.detector;
    return {
      legId: this.legId,
      ...this.settings,
      talking: detector?.talking ?? false,
      levelDb: detector?.levelDb ?? SILENCE_DB,
      mixed: this.mixed,
    };
  }

  // ---- LegApp -----------------------------------------------------------------

  /** A room member sends and receives; only an inactive leg has nothing to do. */
  wantsTicks(direction: MediaDirection): boolean {
    return direction !== 'inactive';
  }

  input(frame: Int16Array, kind: FrameKind, sampleRate: number): void {
    const audio = this.audio;
    if (audio === null || audio.legRate !== sampleRate || this.builtFor !== this.leg.params) {
      this.#host.refresh(this);
      return;
    }
    if (this.settings.muted) return;
    audio.input(frame, kind);
    this.#inputGeneration = this.#host.generation;
  }

  output(sampleRate: number): Int16Array | null {
    const out = this.#out;
    const useShared = this.#useShared;
    this.#out = null;
    this.#useShared = false;
    const packetizer = this.leg.chain?.packetizer;
    const audio = this.audio;
    if (out === null || audio === null || audio.legRate !== sampleRate) {
      if (packetizer !== undefined) packetizer.shared = null;
      return null;
    }
    let frame = out;
    if (useShared && this.#hasOutputStages()) {
      // A stage may change the frame in place: it must not be the one every listener shares.
      frame = this.#copy(out);
    }
    if (packetizer !== undefined) packetizer.shared = useShared && frame === out ? this.shared : null;
    audio.sent(frame);
    return frame;
  }

  detach(): void {
    if (this.#detached) return;
    this.#detached = true;
    const packetizer = this.leg.chain?.packetizer;
    if (packetizer !== undefined) packetizer.shared = null;
    this.#host.detached(this);
  }

  // ---- mix phase (called by the room) -------------------------------------------

  /** Sets what this participant hears this tick; `mix` is the room mix (float, room rate). */
  prepareOutput(mix: Float32Array): void {
    const audio = this.audio;
    this.#useShared = false;
    if (audio === null) {
      this.#out = null;
    } else if (this.settings.deaf) {
      this.#out = audio.silence;
    } else if (this.mixed) {
      this.#out = audio.renderMinusOwn(mix, this.gainIn, this.gainOut);
    } else if (this.shared !== null && this.shared.listeners > 0) {
      this.#out = this.shared.frame;
      this.#useShared = true;
    } else {
      this.#out = audio.renderMinusOwn(mix, 0, this.gainOut);
    }
  }

  #hasOutputStages(): boolean {
    for (const name of OUTPUT_STAGE_ORDER) if (this.leg.outputStage(name) !== undefined) return true;
    return false;
  }

  #copy(frame: Int16Array): Int16Array {
    if (this.#privateCopy.frame.length !== frame.length) this.#privateCopy.frame = new Int16Array(frame.length);
    this.#privateCopy.frame.set(frame);
    return this.#privateCopy.frame;
  }
}
