/**
 * Call-progress tones and conference cues: a pattern is a list of segments
 * (a set of frequencies, or silence, for a duration), played once or
 * repeated. Every tone segment starts and ends with a 5 ms raised-cosine
 * ramp, so cadences do not click, and oscillators run on a sample counter,
 * so frames join without a phase jump.
 *
 * Cadences (ITU-T E.180 Supplement 2 lists each country's):
 * - ringback-us: 440 + 480 Hz, 2 s on, 4 s off (North America)
 * - ringback-uk: 400 + 450 Hz, 0.4 s on, 0.2 s off, 0.4 s on, 2 s off
 * - ringback-eu: 425 Hz, 1 s on, 4 s off (CEPT; most of Europe)
 * - busy-us: 480 + 620 Hz, 0.5 s on, 0.5 s off; busy-eu: 425 Hz, 0.5/0.5
 * - congestion-us (reorder): 480 + 620 Hz, 0.25 s on, 0.25 s off
 * - dial-us: 350 + 440 Hz continuous; dial-eu: 425 Hz continuous
 * - call-waiting: 440 Hz, 0.3 s, once
 * - join / leave: conference cues of our own choosing, a rising
 *   (523 → 784 Hz, C5 → G5) and a falling (784 → 523 Hz) pair of 90 ms
 *   notes at −16 dBFS, short and quieter than speech, once.
 * Call-progress tones play at −16 dBFS per frequency by default.
 *
 * A pure processor: `fill()` allocates nothing.
 */

export interface ToneSegment {
  /** Frequencies summed in this segment, Hz (empty: silence). */
  readonly frequencies: readonly number[];
  readonly durationMs: number;
}

export interface TonePattern {
  readonly segments: readonly ToneSegment[];
  /** Play the segments again and again (else once, then silence). */
  readonly repeat: boolean;
  /** Level of each frequency, dBFS (AES17). */
  readonly levelDbfs: number;
}

export const TONE_LEVEL_DBFS = -16;
/** Rise and fall of each tone segment. */
const RAMP_MS = 5;
const FULL_SCALE = 32768;

const on = (frequencies: readonly number[], durationMs: number): ToneSegment => ({ frequencies, durationMs });
const off = (durationMs: number): ToneSegment => ({ frequencies: [], durationMs });

export const TONE_PATTERNS = {
  'ringback-us': { segments: [on([440, 480], 2000), off(4000)], repeat: true, levelDbfs: TONE_LEVEL_DBFS },
  'ringback-uk': { segments: [on([400, 450], 400), off(200), on([400, 450], 400), off(2000)], repeat: true, levelDbfs: TONE_LEVEL_DBFS },
  'ringback-eu': { segments: [on([425], 1000), off(4000)], repeat: true, levelDbfs: TONE_LEVEL_DBFS },
  'busy-us': { segments: [on([480, 620], 500), off(500)], repeat: true, levelDbfs: TONE_LEVEL_DBFS },
  'busy-eu': { segments: [on([425], 500), off(500)], repeat: true, levelDbfs: TONE_LEVEL_DBFS },
  'congestion-us': { segments: [on([480, 620], 250), off(250)], repeat: true, levelDbfs: TONE_LEVEL_DBFS },
  'dial-us': { segments: [on([350, 440], 1000)], repeat: true, levelDbfs: TONE_LEVEL_DBFS },
  'dial-eu': { segments: [on([425], 1000)], repeat: true, levelDbfs: TONE_LEVEL_DBFS },
  'call-waiting': { segments: [on([440], 300)], repeat: false, levelDbfs: TONE_LEVEL_DBFS },
  join: { segments: [on([523.25], 90), on([783.99], 90)], repeat: false, levelDbfs: TONE_LEVEL_DBFS },
  leave: { segments: [on([783.99], 90), on([523.25], 90)], repeat: false, levelDbfs: TONE_LEVEL_DBFS },
} as const satisfies Record<string, TonePattern>;

export type TonePatternName = keyof typeof TONE_PATTERNS;

export interface TonePlayerOptions {
  readonly sampleRate: number;
  /** A named pattern or a custom one. */
  readonly pattern: TonePatternName | TonePattern;
  /** Overrides the pattern's level (dBFS per frequency). */
  readonly levelDbfs?: number;
}

export class TonePlayer {
  readonly sampleRate: number;
  readonly #segments: readonly ToneSegment[];
  /** Segment lengths in samples, and each segment's angular steps (radians per sample). */
  readonly #lengths: Int32Array;
  readonly #steps: readonly Float64Array[];
  readonly #repeat: boolean;
  readonly #amplitude: number;
  readonly #rampSamples: number;
  /** Does each segment ramp in/out (no ramp where the neighbour plays the same frequencies)? */
  readonly #rampIn: Uint8Array;
  readonly #rampOut: Uint8Array;
  #segment = 0;
  #at = 0;
  /** Oscillator time: restarts with each new tone, runs on across segments of the same frequencies. */
  #phaseAt = 0;
  #done = false;

  constructor(options: TonePlayerOptions) {
    const pattern = typeof options.pattern === 'string' ? TONE_PATTERNS[options.pattern] : options.pattern;
    if (pattern.segments.length === 0) throw new RangeError('tone pattern has no segments');
    const rate = options.sampleRate;
    this.sampleRate = rate;
    this.#segments = pattern.segments;
    this.#repeat = pattern.repeat;
    this.#amplitude = FULL_SCALE * 10 ** ((options.levelDbfs ?? pattern.levelDbfs) / 20);
    this.#rampSamples = Math.max(1, Math.round((rate * RAMP_MS) / 1000));
    this.#lengths = Int32Array.from(pattern.segments, (s) => Math.max(1, Math.round((rate * s.durationMs) / 1000)));
    this.#steps = pattern.segments.map((s) => Float64Array.from(s.frequencies, (hz) => (2 * Math.PI * hz) / rate));
    const count = pattern.segments.length;
    const same = (a: ToneSegment | undefined, b: ToneSegment | undefined): boolean =>
      a !== undefined && b !== undefined && a.frequencies.length > 0 && a.frequencies.join() === b.frequencies.join();
    const neighbour = (i: number): ToneSegment | undefined => (this.#repeat ? pattern.segments[(i + count) % count] : pattern.segments[i]);
    this.#rampIn = Uint8Array.from(pattern.segments, (s, i) => (same(s, neighbour(i - 1)) ? 0 : 1));
    this.#rampOut = Uint8Array.from(pattern.segments, (s, i) => (same(s, neighbour(i + 1)) ? 0 : 1));
  }

  /** True once a non-repeating pattern has played to its end. */
  get done(): boolean {
    return this.#done;
  }

  /** Writes `count` samples of the pattern at `out[offset]` (silence once done). */
  fill(out: Int16Array, offset = 0, count = out.length - offset): void {
    for (let i = 0; i < count; i++) {
      if (this.#done) {
        out.fill(0, offset + i, offset + count);
        return;
      }
      out[offset + i] = Math.round(this.#sample());
      this.#phaseAt++;
      if (++this.#at >= (this.#lengths[this.#segment] as number)) this.#advance();
    }
  }

  /** Back to the start of the pattern. */
  reset(): void {
    this.#segment = 0;
    this.#at = 0;
    this.#phaseAt = 0;
    this.#done = false;
  }

  #sample(): number {
    const steps = this.#steps[this.#segment];
    if (steps === undefined || steps.length === 0) return 0;
    const n = this.#at;
    let sum = 0;
    const t = this.#phaseAt;
    for (let f = 0; f < steps.length; f++) sum += Math.sin((steps[f] as number) * t);
    const length = this.#lengths[this.#segment] as number;
    const ramp = Math.min(this.#rampSamples, Math.floor(length / 2));
    let envelope = 1;
    if (this.#rampIn[this.#segment] === 1 && n < ramp) envelope = 0.5 - 0.5 * Math.cos((Math.PI * (n + 0.5)) / ramp);
    const fromEnd = length - 1 - n;
    if (this.#rampOut[this.#segment] === 1 && fromEnd < ramp) envelope = Math.min(envelope, 0.5 - 0.5 * Math.cos((Math.PI * (fromEnd + 0.5)) / ramp));
    return this.#amplitude * envelope * sum;
  }

  #advance(): void {
    this.#at = 0;
    if (++this.#segment >= this.#segments.length) {
      this.#segment = 0;
      if (!this.#repeat) this.#done = true;
    }
    if (this.#rampIn[this.#segment] === 1) this.#phaseAt = 0;
  }
}
