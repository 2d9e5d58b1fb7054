/**
 * The WASM editor on a hand-built module (binary written out by section), and
 * the guard on the opusscript build it is pinned to.
 */
import t from 'tap';
import { editWasm, s32, u32, WasmEditError } from '../../codecs/wasm-edit.js';
import { OPUSSCRIPT_WASM_SHA256 } from '../../codecs/opus-wasm.js';

interface WebAssemblyApi {
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
}
const wasm = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

function section(id: number, payload: number[]): number[] {
  return [id, ...u32(payload.length), ...payload];
}

/** (module (global (mut i32) (i32.const 0)) (func (result i32) i32.const 5) (func (result i32) i32.const 7)) with func 1 exported as "seven". */
function tinyModule(): Uint8Array {
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [1, 0x60, 0, 1, 0x7f]), // one type: [] -> [i32]
    ...section(3, [2, 0, 0]), // two functions of type 0
    ...section(6, [1, 0x7f, 1, 0x41, 0, 0x0b]), // one mutable i32 global
    ...section(7, [1, 5, ...[...'seven'].map((c) => c.charCodeAt(0)), 0, 1]),
    ...section(10, [2, 4, 0, 0x41, 5, 0x0b, 4, 0, 0x41, 7, 0x0b]),
  ]);
}

t.test('adds exported globals, exports functions by index, patches bodies', async (t) => {
  const edited = editWasm(tinyModule(), {
    globals: { knob: 42 },
    functions: { five: 0 },
    patches: (g) => [{ func: 0, find: [0x41, 5], replace: [0x23, g['knob'] ?? 0] }],
  });
  const { exports } = new wasm.Instance(new wasm.Module(edited), {});
  const five = exports['five'] as () => number;
  const seven = exports['seven'] as () => number;
  const knob = exports['knob'] as { value: number };
  t.equal(five(), 42, 'the patched body reads the new global');
  knob.value = -3;
  t.equal(five(), -3);
  t.equal(seven(), 7, 'other bodies and exports untouched');
});

t.test('refuses patches that do not match exactly once', async (t) => {
  const module = tinyModule();
  t.throws(() => editWasm(module, { globals: {}, functions: {}, patches: () => [{ func: 0, find: [0x41, 9], replace: [] }] }), WasmEditError);
  t.throws(() => editWasm(module, { globals: {}, functions: {}, patches: () => [{ func: 9, find: [0x41, 5], replace: [] }] }), WasmEditError);
});

t.test('LEB128 encoders', async (t) => {
  t.same(u32(0), [0]);
  t.same(u32(624485), [0xe5, 0x8e, 0x26]);
  t.same(s32(5760), [0x80, 0x2d]);
  t.same(s32(-1), [0x7f]);
  t.same(s32(-123456), [0xc0, 0xbb, 0x78]);
  t.match(OPUSSCRIPT_WASM_SHA256, /^[0-9a-f]{64}$/);
});
