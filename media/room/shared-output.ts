/**
 * One encoding of the room's shared mix for every listener with the same
 * output format (codec + fmtp + ptime + PCM rate, and output volume), as
 * Asterisk softmix and Janus AudioBridge do: per tick it limits the mix once,
 * resamples it once to the format's rate, and encodes it once per packet.
 * Each listener's packetizer then sends the same payload under its own SSRC,
 * sequence number and timestamp (`SharedPacketSource`). 97 silent PCMU
 * listeners cost one limiter pass and one G.711 encode per tick, not 97.
 */
import type { AudioEncoder } from '../../codecs/index.js';
import { createResampler, type Resampler } from '../../dsp/index.js';
import type { LegParams } from '../protocol.js';
import type { SharedPacketSource } from '../packetizer.js';
import { SoftLimiter } from './soft-limiter.js';
import { dbToGain } from './room-options.js';

export interface OutputFormat {
  /** Identity of the format; listeners with equal keys share one encoding. */
  readonly key: string;
  readonly params: LegParams;
  /** PCM rate of the leg's codec. */
  readonly sampleRate: number;
  readonly volumeOutDb: number;
  readonly createEncoder: () => AudioEncoder;
}

/** The key of a leg's output format: what must match for two legs to receive identical bytes. */
export function outputFormatKey(params: LegParams, sampleRate: number, volumeOutDb: number): string {
  const fmtp = Object.keys(params.codec.fmtp)
    .sort()
    .map((k) => `${k}=${params.codec.fmtp[k] ?? ''}`)
    .join(';');
  return `${params.codec.name.toLowerCase()}/${params.codec.clockRate}|${params.ptime}|${sampleRate}|${fmtp}|${volumeOutDb}`;
}

export async function createSharedOutput(format: OutputFormat, roomRate: number): Promise<SharedOutput> {
  const resampler = format.sampleRate === roomRate ? null : await createResampler({ inputRate: roomRate, outputRate: format.sampleRate });
  return new SharedOutput(format, roomRate, resampler);
}

export class SharedOutput implements SharedPacketSource {
  readonly key: string;
  /** This tick's mix at the format's rate (what listeners hand their packetizer). */
  readonly frame: Int16Array;
  payload: DataView | null = null;
  /** Participants using this format (the room closes the output at zero). */
  members = 0;
  /** Listeners served in the last tick, and packets encoded over the output's life. */
  listeners = 0;
  encodes = 0;
  /** Whether the last tick encoded a packet. */
  encodedLastTick = false;
  readonly #encoder: AudioEncoder;
  readonly #resampler: Resampler | null;
  readonly #limiter: SoftLimiter;
  readonly #gain: number;
  readonly #roomPcm: Int16Array;
  /** PCM of the packet being filled (ptime may span several frames). */
  readonly #packetPcm: Int16Array;
  #filled = 0;
  readonly #encoded: Uint8Array;
  #view: DataView | null = null;

  constructor(format: OutputFormat, roomRate: number, resampler: Resampler | null) {
    this.key = format.key;
    this.#encoder = format.createEncoder();
    this.#resampler = resampler;
    this.#limiter = new SoftLimiter(roomRate);
    this.#gain = dbToGain(format.volumeOutDb);
    this.#roomPcm = new Int16Array(roomRate / 50);
    this.frame = new Int16Array(format.sampleRate / 50);
    this.#packetPcm = new Int16Array((format.sampleRate * format.params.ptime) / 1000);
    this.#encoded = new Uint8Array(2 * this.#packetPcm.length + 64);
  }

  /** Turns this tick's room mix (float, 16-bit units, room rate) into `frame` and, when a packet is full, `payload`. */
  produce(mix: Float32Array): void {
    const roomPcm = this.#roomPcm;
    this.#limiter.process(mix, roomPcm, roomPcm.length, this.#gain);
    if (this.#resampler === null) this.frame.set(roomPcm);
    else this.#resampler.process(roomPcm, this.frame);
    this.payload = null;
    this.encodedLastTick = false;
    const packet = this.#packetPcm;
    const n = Math.min(this.frame.length, packet.length - this.#filled);
    packet.set(n === this.frame.length ? this.frame : this.frame.subarray(0, n), this.#filled);
    this.#filled += n;
    if (this.#filled < packet.length) return;
    this.#filled = 0;
    const bytes = this.#encoder.encode(packet, this.#encoded);
    this.encodes++;
    this.encodedLastTick = true;
    if (bytes <= 0) return;
    if (this.#view?.byteLength !== bytes) this.#view = new DataView(this.#encoded.buffer, this.#encoded.byteOffset, bytes);
    this.payload = this.#view;
  }

  /** A tick with no listener: nothing is produced, and the next packet starts afresh. */
  idle(): void {
    this.payload = null;
    this.encodedLastTick = false;
    this.#filled = 0;
    this.listeners = 0;
  }

  close(): void {
    this.#encoder.close?.();
    this.#resampler?.destroy();
  }
}
