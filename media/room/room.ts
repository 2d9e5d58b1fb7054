/**
 * A conference room: one float mix per tick at the room rate, in the
 * clock's `mix` phase (after every leg's collect, before any leg's send, so
 * what is said in a tick is heard in the same tick).
 *
 * Per tick: select the loudest K talkers (talker-selector) → sum them, each
 * with its input gain, plus the room's cues (tones, playbacks) → one shared
 * encoding per output format among listeners who are not mixed → an N−1
 * render for each mixed talker → recording. The cost is O(K) mixing and
 * O(formats) encoding; the other participants cost their decode, talker
 * detection and a packet send. The room subscribes to the clock only while
 * it has participants or cues, so an empty room costs nothing.
 */
import type { LocalCodecSettings } from '../../codecs/index.js';
import type { EngineContext } from '../engine-context.js';
import { MediaError } from '../errors.js';
import type { Leg } from '../leg.js';
import { validateLegParams } from '../leg-params.js';
import type { ClockTick } from '../media-clock.js';
import type { ParticipantSettings, RoomOptions, RoomStats } from '../protocol.js';
import { createParticipantAudio } from './participant-audio.js';
import { RoomParticipant, type ParticipantHost } from './participant.js';
import { ToneCue, type RoomCue } from './room-cues.js';
import type { RoomRecorder } from './room-recorder.js';
import { createSharedOutput, outputFormatKey, type SharedOutput } from './shared-output.js';
import { selectTalkers } from './talker-selector.js';

export class Room implements ParticipantHost {
  readonly roomId: string;
  readonly options: RoomOptions;
  generation = 0;
  ticks = 0;
  readonly #context: EngineContext;
  readonly #codecSettings: LocalCodecSettings | undefined;
  readonly #participants = new Map<string, RoomParticipant>();
  /** Iterated per tick; rebuilt on join/leave only. */
  #list: RoomParticipant[] = [];
  readonly #outputs = new Map<string, SharedOutput>();
  readonly #outputList: SharedOutput[] = [];
  readonly #mix: Float32Array;
  #cues: RoomCue[] = [];
  recorder: RoomRecorder | null = null;
  #stopTicking: (() => void) | null = null;
  #sharedEncodings = 0;
  #closed = false;

  constructor(roomId: string, options: RoomOptions, context: EngineContext, codecSettings: LocalCodecSettings | undefined) {
    this.roomId = roomId;
    this.options = options;
    this.#context = context;
    this.#codecSettings = codecSettings;
    this.#mix = new Float32Array(options.sampleRate / 50);
  }

  get closed(): boolean {
    return this.#closed;
  }

  participant(legId: string): RoomParticipant | undefined {
    return this.#participants.get(legId);
  }

  async join(leg: Leg, settings: ParticipantSettings): Promise<RoomParticipant> {
    const participant = new RoomParticipant(leg, this, settings);
    if (leg.params !== null) await this.#build(participant);
    if (this.#closed || leg.closed) throw new MediaError('ERR_INVALID_ARGS', `room.join: leg ${leg.legId} or room ${this.roomId} closed while joining`);
    this.#participants.set(leg.legId, participant);
    this.#list = [...this.#participants.values()];
    leg.attachApp(participant);
    if (this.options.joinLeaveTones) this.addCue(new ToneCue(this.options.sampleRate, 'join'));
    this.#refreshTicking();
    this.#context.emit({ type: 'room.joined', roomId: this.roomId, legId: leg.legId, count: this.#participants.size });
    return participant;
  }

  /** Takes the leg out (its app becomes none); idempotent. */
  leave(legId: string): void {
    this.#participants.get(legId)?.leg.attachApp(null);
  }

  update(participant: RoomParticipant, settings: ParticipantSettings): Promise<void> | void {
    const volumeChanged = settings.volumeOutDb !== participant.settings.volumeOutDb;
    participant.applySettings(settings);
    this.#context.emit({ type: 'room.participant', roomId: this.roomId, state: participant.state() });
    // The output volume is part of the shared format.
    if (volumeChanged && participant.leg.params !== null) return this.#build(participant);
  }

  addCue(cue: RoomCue): void {
    this.#cues = [...this.#cues, cue];
    this.#refreshTicking();
  }

  removeCue(cue: RoomCue): void {
    this.#cues = this.#cues.filter((c) => c !== cue);
    this.#refreshTicking();
  }

  stats(): RoomStats {
    return {
      roomId: this.roomId,
      sampleRate: this.options.sampleRate,
      participants: this.#list.map((p) => p.state()),
      ticks: this.ticks,
      sharedEncodings: this.#sharedEncodings,
      sharedOutputs: this.#outputList.map((o) => ({ format: o.key, members: o.members, listeners: o.listeners, encodes: o.encodes })),
      recording: this.recorder !== null,
    };
  }

  /** Detaches everyone and stops ticking; cues are stopped. The caller finishes the recording. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const participant of this.#list) participant.leg.attachApp(null);
    for (const cue of this.#cues) cue.stop?.();
    this.#cues = [];
    for (const output of this.#outputList) output.close();
    this.#outputs.clear();
    this.#outputList.length = 0;
    this.#refreshTicking();
    this.#context.emit({ type: 'room.closed', roomId: this.roomId });
  }

  // ---- ParticipantHost --------------------------------------------------------

  refresh(participant: RoomParticipant): void {
    if (participant.building || this.#closed) return;
    this.#build(participant).catch((error: unknown) => {
      this.#context.logger.error({ err: error, roomId: this.roomId, legId: participant.legId }, 'room participant rebuild failed');
    });
  }

  detached(participant: RoomParticipant): void {
    if (this.#participants.get(participant.legId) !== participant) return;
    this.#participants.delete(participant.legId);
    this.#list = [...this.#participants.values()];
    this.#release(participant);
    participant.audio?.close();
    participant.audio = null;
    if (this.options.joinLeaveTones && !this.#closed) this.addCue(new ToneCue(this.options.sampleRate, 'leave'));
    this.#refreshTicking();
    this.#context.emit({ type: 'room.left', roomId: this.roomId, legId: participant.legId, count: this.#participants.size });
  }

  // ---- building ---------------------------------------------------------------

  /** (Re)builds the participant's audio for its leg's current rate and joins it to its format's shared output. */
  async #build(participant: RoomParticipant): Promise<void> {
    const leg = participant.leg;
    const params = leg.params;
    const rate = leg.sampleRate;
    if (params === null || rate === null) return;
    participant.building = true;
    try {
      const audio = participant.audio?.legRate === rate ? participant.audio : await createParticipantAudio(rate, this.options);
      const shared = await this.#sharedOutputFor(leg, rate, participant.settings.volumeOutDb);
      if (participant.audio !== audio) participant.audio?.close();
      participant.audio = audio;
      this.#release(participant);
      participant.shared = shared;
      if (shared !== null) shared.members++;
      participant.builtFor = params;
    } finally {
      participant.building = false;
    }
  }

  async #sharedOutputFor(leg: Leg, rate: number, volumeOutDb: number): Promise<SharedOutput | null> {
    const params = leg.params;
    // The shared encoding works in whole 20 ms frames per packet.
    if (params === null || params.ptime % 20 !== 0) return null;
    const key = outputFormatKey(params, rate, volumeOutDb);
    const existing = this.#outputs.get(key);
    if (existing !== undefined) return existing;
    const codec = validateLegParams(params);
    const settings = this.#codecSettings;
    const output = await createSharedOutput(
      {
        key,
        params,
        sampleRate: rate,
        volumeOutDb,
        createEncoder: () => codec.createEncoder({ fmtp: params.codec.fmtp, ptime: params.ptime, ...(settings !== undefined ? { localSettings: settings } : {}) }),
      },
      this.options.sampleRate,
    );
    // Another participant may have created it meanwhile.
    const raced = this.#outputs.get(key);
    if (raced !== undefined) {
      output.close();
      return raced;
    }
    this.#outputs.set(key, output);
    this.#outputList.push(output);
    return output;
  }

  #release(participant: RoomParticipant): void {
    const shared = participant.shared;
    participant.shared = null;
    if (shared === null || --shared.members > 0) return;
    shared.close();
    this.#outputs.delete(shared.key);
    this.#outputList.splice(this.#outputList.indexOf(shared), 1);
  }

  #refreshTicking(): void {
    const want = !this.#closed && (this.#participants.size > 0 || this.#cues.length > 0);
    if (want && this.#stopTicking === null) this.#stopTicking = this.#context.clock.onTick(this.#onMix, 'mix');
    else if (!want && this.#stopTicking !== null) {
      this.#stopTicking();
      this.#stopTicking = null;
    }
  }

  // ---- the tick ---------------------------------------------------------------

  readonly #onMix = (tick: ClockTick): void => {
    const list = this.#list;
    const mix = this.#mix;
    mix.fill(0);
    selectTalkers(list, this.options.maxTalkers);
    for (const p of list) {
      if (!p.mixed || p.audio === null) continue;
      const frame = p.audio.roomFrame();
      const gain = p.gainIn;
      for (let i = 0; i < mix.length; i++) mix[i] = (mix[i] as number) + gain * (frame[i] as number);
    }
    if (this.#cues.length > 0) this.#runCues(mix);
    // Shared outputs: produced once each, only when someone listens to them.
    for (const output of this.#outputList) output.listeners = 0;
    for (const p of list) if (!p.mixed && !p.settings.deaf && p.shared !== null && p.audio !== null) p.shared.listeners++;
    let encodings = 0;
    for (const output of this.#outputList) {
      if (output.listeners === 0) {
        output.idle();
        continue;
      }
      output.produce(mix);
      if (output.encodedLastTick) encodings++;
    }
    this.#sharedEncodings = encodings;
    for (const p of list) p.prepareOutput(mix);
    const recorder = this.recorder;
    if (recorder !== null) {
      recorder.writeMix(mix);
      for (const p of list) recorder.writeParticipant(p);
    }
    this.#emitTalking(tick.timeMs);
    this.ticks++;
    this.generation++;
  };

  /** Adds every cue's frame; drops finished ones (allocates only when one finishes). */
  #runCues(mix: Float32Array): void {
    const cues = this.#cues;
    let keep: RoomCue[] | null = null;
    for (let i = 0; i < cues.length; i++) {
      const cue = cues[i] as RoomCue;
      if (cue.addTo(mix)) keep?.push(cue);
      else keep ??= cues.slice(0, i);
    }
    if (keep === null) return;
    this.#cues = keep;
    this.#refreshTicking();
  }

  #emitTalking(nowMs: number): void {
    for (const p of this.#list) {
      const detector = p.audio?.detector;
      const change = detector?.pendingEvent(nowMs);
      if (change === null || change === undefined || detector === undefined) continue;
      this.#context.emit({ type: 'room.talking', roomId: this.roomId, legId: p.legId, talking: change, levelDb: Math.round(detector.levelDb) });
    }
  }
}

