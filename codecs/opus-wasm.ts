/**
 * The libopus 1.4 build inside opusscript (its Emscripten WASM), loaded with
 * the entry points voxbridge needs and opusscript's JavaScript wrapper lacks.
 *
 * opusscript's wrapper decodes with a fixed 120 ms frame size (so packet loss
 * concealment always produces 120 ms) and never asks for in-band FEC; the
 * WASM exports nothing but malloc/free and the embind class. The functions are
 * all in the binary, though: the embind methods of `OpusScriptHandler`
 * (`_encode`, `_decode`, `_encoder_ctl`, `_decoder_ctl`), its constructor and
 * destructor, and libopus's `opus_decode_frame` (whose FEC argument the
 * compiler folded to 0). So we load the same binary with a few edits
 * (wasm-edit.ts), pinned to its SHA-256:
 *
 *  - export those functions by index (found from the embind registrations
 *    and the call graph; see docs/codecs.md);
 *  - `opusscript_decode`: its three `i32.const 5760` (the folded frame_size
 *    of opus_decode) read the new global `frame_size` instead, so packet loss
 *    concealment can produce exactly the missing duration;
 *  - `opus_decode_frame`: where libopus 1.4 reads `decode_fec` (lost_flag =
 *    data ? 2*fec : 1; no redundancy check under FEC; CELT gets no data under
 *    FEC) the code reads the new global `decode_fec`. With it at 0 the
 *    function behaves exactly as built.
 *
 * The opus_decode_native FEC branch that called opus_decode_frame(fec=1) was
 * removed with the constant; opus-decoder.ts replays it (libopus 1.4,
 * src/opus_decoder.c).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { editWasm, s32, type BodyPatch } from './wasm-edit.js';

/** SHA-256 of node_modules/opusscript/build/opusscript_native_wasm.wasm (opusscript 0.1.1, libopus 1.4). */
export const OPUSSCRIPT_WASM_SHA256 = 'e24b269dbfde9f357de19f5b4f6458010be356d7122b0bb8bfe439504a6d5c33';

/** Function indices in that binary. */
const FN = {
  create: 205, // embind's operator_new<OpusScriptHandler>(int&& rate, int&& channels, int&& application): arguments by address
  destroy: 154, // OpusScriptHandler::destroy_handler(handler)
  encode: 204, // OpusScriptHandler::_encode(this, pcm, samples, out, frame_size)
  decode: 202, // OpusScriptHandler::_decode(this, data, len, out)
  encoderCtl: 200, // OpusScriptHandler::_encoder_ctl(this, request, arg)
  decoderCtl: 198, // OpusScriptHandler::_decoder_ctl(this, request, arg)
  decodeFrame: 55, // opus_decode_frame(st, data, len, float *pcm, frame_size), decode_fec folded away
} as const;

const OP_I32_CONST = 0x41;
const OP_GLOBAL_GET = 0x23;
const OP_LOCAL_GET = 0x20;
const OP_I32_EQZ = 0x45;
const OP_I32_AND = 0x71;
const OP_I32_SHL = 0x74;
const OP_SELECT = 0x1b;
const OP_LOCAL_SET = 0x21;
const OP_BR_IF = 0x0d;
/** opus_decode's frame_size as built: 120 ms at 48 kHz. */
const MAX_FRAME = 5760;

function patches(global: Readonly<Record<string, number>>): BodyPatch[] {
  const frame = [OP_GLOBAL_GET, global['frame_size'] ?? 0];
  const fec = [OP_GLOBAL_GET, global['decode_fec'] ?? 0];
  const const5760 = [OP_I32_CONST, ...s32(MAX_FRAME)];
  return [
    // frame_size = 5760 at entry; then frame_size = min(nb_samples, 5760): `5760, n, n, 5760, ge_s, select`.
    { func: FN.decode, find: [...const5760, OP_LOCAL_SET, 10], replace: [...frame, OP_LOCAL_SET, 10] },
    {
      func: FN.decode,
      find: [...const5760, OP_LOCAL_GET, 10, OP_LOCAL_GET, 10, ...const5760],
      replace: [...frame, OP_LOCAL_GET, 10, OP_LOCAL_GET, 10, ...frame],
    },
    // lost_flag = data == NULL  →  data == NULL ? 1 : 2 * decode_fec   (local 1: data, local 18: lost_flag)
    {
      func: FN.decodeFrame,
      find: [OP_LOCAL_GET, 1, OP_I32_EQZ, OP_LOCAL_SET, 18],
      replace: [OP_I32_CONST, 1, ...fec, OP_I32_CONST, 1, OP_I32_SHL, OP_LOCAL_GET, 1, OP_I32_EQZ, OP_SELECT, OP_LOCAL_SET, 18],
    },
    // the redundancy check runs only when (have_data & 1) and, now, !decode_fec   (local 33: have_data)
    {
      func: FN.decodeFrame,
      find: [OP_LOCAL_GET, 33, OP_I32_CONST, 1, OP_I32_AND, OP_I32_EQZ, OP_BR_IF, 1],
      replace: [OP_LOCAL_GET, 33, OP_I32_CONST, 1, OP_I32_AND, ...fec, OP_I32_EQZ, OP_I32_AND, OP_I32_EQZ, OP_BR_IF, 1],
    },
    // celt_decode_with_ec(celt_dec, data, len, pcm, min(F20, frame_size), &dec)  →  data becomes decode_fec ? NULL : data
    {
      func: FN.decodeFrame,
      find: [0x20, 13, 0x20, 1, 0x20, 2, 0x20, 3, 0x20, 34, 0x20, 20, 0x20, 20, 0x20, 34, 0x4a, 0x1b, 0x20, 12, 0x41, 0x90, 0x01, 0x6a, 0x10, 66],
      replace: [0x20, 13, OP_I32_CONST, 0, 0x20, 1, ...fec, OP_SELECT, 0x20, 2, 0x20, 3, 0x20, 34, 0x20, 20, 0x20, 20, 0x20, 34, 0x4a, 0x1b, 0x20, 12, 0x41, 0x90, 0x01, 0x6a, 0x10, 66],
    },
  ];
}

/** The raw entry points; pointers and sizes are plain numbers into `memory`. */
export interface OpusWasm {
  readonly memory: { readonly buffer: ArrayBuffer };
  malloc(bytes: number): number;
  free(pointer: number): void;
  /** Allocates a handler with its own OpusEncoder and OpusDecoder; throws on bad arguments. */
  create(sampleRate: number, channels: number, application: number): number;
  destroy(handler: number): void;
  /** `pcm` holds one 16-bit value per BYTE of little-endian PCM (opusscript's layout); returns bytes or an error code. */
  encode(handler: number, pcm: number, samples: number, out: number, frameSize: number): number;
  /** Writes one 16-bit value per BYTE of little-endian PCM to `out`; returns samples per channel or an error code. */
  decode(handler: number, data: number, length: number, out: number): number;
  encoderCtl(handler: number, request: number, arg: number): number;
  decoderCtl(handler: number, request: number, arg: number): number;
  /** libopus opus_decode_frame with `decode_fec` taken from `setDecodeFec`; float output. */
  decodeFrame(decoder: number, data: number, length: number, pcm: number, frameSize: number): number;
  /** frame_size that `decode` uses (5760 as built; exactly the missing samples for concealment). */
  setFrameSize(samples: number): void;
  setDecodeFec(on: boolean): void;
}

export class OpusWasmError extends Error {
  readonly code = 'ERR_OPUS_WASM';
  override readonly name = 'OpusWasmError';
}

/** The parts of the WebAssembly JS API we use (the project compiles without lib.dom). */
interface WebAssemblyApi {
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
}

type EmscriptenFactory = (overrides: {
  instantiateWasm: (imports: object, receive: (instance: object) => void) => Record<string, unknown>;
}) => unknown;

function callable(exports: Record<string, unknown>, key: string): (...args: number[]) => number {
  const value = exports[key];
  if (typeof value !== 'function') throw new OpusWasmError(`opusscript WASM: export ${key} missing after editing`);
  return value as (...args: number[]) => number;
}

function global(exports: Record<string, unknown>, key: string): { value: number } {
  const value = exports[key] as { value?: unknown } | undefined;
  if (typeof value?.value !== 'number') throw new OpusWasmError(`opusscript WASM: global ${key} missing after editing`);
  return value as { value: number };
}

function load(): OpusWasm {
  const require = createRequire(import.meta.url);
  const gluePath = require.resolve('opusscript/build/opusscript_native_wasm.js');
  const original = new Uint8Array(readFileSync(gluePath.replace(/\.js$/, '.wasm')));
  const digest = createHash('sha256').update(original).digest('hex');
  if (digest !== OPUSSCRIPT_WASM_SHA256) {
    throw new OpusWasmError(
      `opusscript WASM has SHA-256 ${digest}; codecs/opus-wasm.ts knows only ${OPUSSCRIPT_WASM_SHA256} (opusscript 0.1.1): ` +
        're-derive the function indices and patches for the new build',
    );
  }
  const edited = editWasm(original, {
    globals: { frame_size: MAX_FRAME, decode_fec: 0 },
    functions: {
      vb_create: FN.create,
      vb_destroy: FN.destroy,
      vb_encode: FN.encode,
      vb_decode: FN.decode,
      vb_encoder_ctl: FN.encoderCtl,
      vb_decoder_ctl: FN.decoderCtl,
      vb_decode_frame: FN.decodeFrame,
    },
    patches,
  });
  const wasm = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;
  let exports: Record<string, unknown> | null = null;
  const factory = require(gluePath) as EmscriptenFactory;
  // Emscripten's hook: we instantiate (synchronously) and hand the instance to its runtime,
  // which then runs the static constructors (embind registration) before returning.
  factory({
    instantiateWasm: (imports, receive) => {
      const instance = new wasm.Instance(new wasm.Module(edited), imports);
      exports = instance.exports;
      receive(instance);
      return instance.exports;
    },
  });
  if (exports === null) throw new OpusWasmError('opusscript WASM: the Emscripten runtime did not instantiate the module');
  const e: Record<string, unknown> = exports;
  const memory = e['u'] as { buffer?: unknown } | undefined;
  if (!(memory?.buffer instanceof ArrayBuffer)) throw new OpusWasmError('opusscript WASM: no memory export');
  const frameSize = global(e, 'frame_size');
  const malloc = callable(e, 'x');
  const construct = callable(e, 'vb_create');
  // The constructor takes its three int arguments by reference: one scratch block for them.
  const args = malloc(12);
  const decodeFec = global(e, 'decode_fec');
  return {
    memory: memory as { buffer: ArrayBuffer },
    malloc,
    free: callable(e, 'y'),
    create: (sampleRate, channels, application) => {
      const heap = new Int32Array((memory as { buffer: ArrayBuffer }).buffer, args, 3);
      heap[0] = sampleRate;
      heap[1] = channels;
      heap[2] = application;
      return construct(args, args + 4, args + 8);
    },
    destroy: callable(e, 'vb_destroy'),
    encode: callable(e, 'vb_encode'),
    decode: callable(e, 'vb_decode'),
    encoderCtl: callable(e, 'vb_encoder_ctl'),
    decoderCtl: callable(e, 'vb_decoder_ctl'),
    decodeFrame: callable(e, 'vb_decode_frame'),
    setFrameSize: (samples) => (frameSize.value = samples),
    setDecodeFec: (on) => (decodeFec.value = on ? 1 : 0),
  };
}

let loaded: OpusWasm | null = null;

/** The module, loaded and edited on first use (once per thread; ~20 ms). Throws OpusWasmError. */
export function opusWasm(): OpusWasm {
  loaded ??= load();
  return loaded;
}
