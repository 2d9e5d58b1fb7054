/**
 * One opusscript handler (an OpusEncoder plus an OpusDecoder in the WASM
 * heap) with the scratch buffers our encoder or decoder use, and the heap
 * views to reach them. Memory is released by `close()`, or when the owning
 * object is garbage-collected (FinalizationRegistry) if nobody called it.
 */
import { opusWasm, type OpusWasm } from './opus-wasm.js';

export const OPUS_RATES: readonly number[] = Object.freeze([8000, 12000, 16000, 24000, 48000]);
export const OPUS_APPLICATION_VOIP = 2048;
/** Longest Opus packet (RFC 6716 §3.4 R3: 120 ms of 1275-byte frames, as libopus's MAX_PACKET). */
export const OPUS_MAX_PACKET = 3 * 1276;
/** Longest decoded duration: 120 ms at 48 kHz. */
export const OPUS_MAX_FRAME = 5760;

/** Offsets in libopus 1.4's `struct OpusDecoder` (src/opus_decoder.c), float build. */
export const DECODER_FIELD = {
  streamChannels: 48,
  bandwidth: 52,
  mode: 56,
  prevMode: 60,
  frameSize: 64,
  lastPacketDuration: 72,
} as const;

/** Offsets in opusscript's OpusScriptHandler: { int channels; OpusEncoder*; OpusDecoder*; opus_int16 *out_pcm; }. */
const HANDLER_ENCODER = 4;
const HANDLER_DECODER = 8;

export class OpusError extends Error {
  override readonly name = 'OpusError';
  constructor(
    readonly code: 'ERR_OPUS_ARGS' | 'ERR_OPUS_CTL',
    message: string,
  ) {
    super(message);
  }
}

interface Allocation {
  readonly wasm: OpusWasm;
  readonly pointers: number[];
  handler: number;
}

function release(allocation: Allocation): void {
  if (allocation.handler !== 0) allocation.wasm.destroy(allocation.handler);
  for (const pointer of allocation.pointers) allocation.wasm.free(pointer);
  allocation.handler = 0;
  allocation.pointers.length = 0;
}

const registry = new FinalizationRegistry<Allocation>(release);

export class OpusHandle {
  readonly wasm: OpusWasm;
  readonly handler: number;
  readonly sampleRate: number;
  readonly channels: number;
  readonly #allocation: Allocation;
  #buffer: ArrayBuffer | null = null;
  #u8 = new Uint8Array(0);
  #u16 = new Uint16Array(0);
  #i32 = new Int32Array(0);
  #f32 = new Float32Array(0);

  constructor(owner: object, sampleRate: number, channels: number) {
    if (!OPUS_RATES.includes(sampleRate)) throw new OpusError('ERR_OPUS_ARGS', `Opus runs at ${OPUS_RATES.join(', ')} Hz, not ${sampleRate}`);
    if (channels !== 1 && channels !== 2) throw new OpusError('ERR_OPUS_ARGS', `Opus takes 1 or 2 channels, not ${channels}`);
    this.wasm = opusWasm();
    this.sampleRate = sampleRate;
    this.channels = channels;
    this.handler = this.wasm.create(sampleRate, channels, OPUS_APPLICATION_VOIP);
    this.#allocation = { wasm: this.wasm, pointers: [], handler: this.handler };
    registry.register(owner, this.#allocation, this);
  }

  /** Allocates `bytes` in the WASM heap, freed with the handle. */
  alloc(bytes: number): number {
    const pointer = this.wasm.malloc(bytes);
    this.#allocation.pointers.push(pointer);
    return pointer;
  }

  get encoderState(): number {
    return this.i32[(this.handler + HANDLER_ENCODER) >> 2] ?? 0;
  }

  get decoderState(): number {
    return this.i32[(this.handler + HANDLER_DECODER) >> 2] ?? 0;
  }

  /** Heap views, rebuilt when the WASM memory grew (malloc may grow it, which detaches old views). */
  get u8(): Uint8Array {
    this.#refresh();
    return this.#u8;
  }

  get u16(): Uint16Array {
    this.#refresh();
    return this.#u16;
  }

  get i32(): Int32Array {
    this.#refresh();
    return this.#i32;
  }

  get f32(): Float32Array {
    this.#refresh();
    return this.#f32;
  }

  get closed(): boolean {
    return this.#allocation.handler === 0;
  }

  close(): void {
    registry.unregister(this);
    release(this.#allocation);
  }

  #refresh(): void {
    const buffer = this.wasm.memory.buffer;
    if (buffer === this.#buffer) return;
    this.#buffer = buffer;
    this.#u8 = new Uint8Array(buffer);
    this.#u16 = new Uint16Array(buffer);
    this.#i32 = new Int32Array(buffer);
    this.#f32 = new Float32Array(buffer);
  }
}
