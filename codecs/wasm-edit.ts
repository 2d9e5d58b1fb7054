/**
 * A minimal WebAssembly binary editor: adds exported mutable i32 globals,
 * exports existing functions by index, and replaces exact byte sequences
 * inside function bodies. Enough to give a pinned third-party build (the
 * opusscript WASM, see opus-wasm.ts) the entry points it compiled but never
 * exported. Wasm control flow is structured (no byte offsets in branches),
 * so splicing instructions inside a body only needs the body and section
 * sizes rewritten.
 *
 * Binary format: WebAssembly Core Specification §5 (sections §5.5).
 */

const SECTION_IMPORT = 2;
const SECTION_GLOBAL = 6;
const SECTION_EXPORT = 7;
const SECTION_CODE = 10;
const EXTERNAL_FUNC = 0;
const EXTERNAL_TABLE = 1;
const EXTERNAL_MEMORY = 2;
const EXTERNAL_GLOBAL = 3;
const TYPE_I32 = 0x7f;
const MUTABLE = 1;
const OP_I32_CONST = 0x41;
const OP_END = 0x0b;

export interface BodyPatch {
  /** Function index (imports included) whose body is patched. */
  readonly func: number;
  /** Bytes that must occur exactly once in the body. */
  readonly find: readonly number[];
  readonly replace: readonly number[];
}

export interface WasmEdit {
  /** New exported mutable i32 globals, by export name, with their initial values. */
  readonly globals: Readonly<Record<string, number>>;
  /** Existing functions to export, by export name → function index. */
  readonly functions: Readonly<Record<string, number>>;
  /** Body patches; receives the index of each new global (for `global.get`). */
  readonly patches: (globalIndex: Readonly<Record<string, number>>) => readonly BodyPatch[];
}

export class WasmEditError extends Error {
  readonly code = 'ERR_WASM_EDIT';
  override readonly name = 'WasmEditError';
}

interface Section {
  readonly id: number;
  readonly start: number;
  readonly end: number;
}

function readU32(bytes: Uint8Array, at: number): { value: number; next: number } {
  let value = 0;
  let shift = 0;
  let pos = at;
  for (;;) {
    const byte = bytes[pos++];
    if (byte === undefined) throw new WasmEditError('truncated LEB128');
    value += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return { value, next: pos };
    shift += 7;
  }
}

export function u32(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    const byte = v & 0x7f;
    v >>>= 7;
    out.push(v === 0 ? byte : byte | 0x80);
  } while (v !== 0);
  return out;
}

/** Signed LEB128 for i32 immediates. */
export function s32(value: number): number[] {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

function sections(bytes: Uint8Array): Section[] {
  const result: Section[] = [];
  let pos = 8;
  while (pos < bytes.length) {
    const id = bytes[pos] ?? 0;
    const size = readU32(bytes, pos + 1);
    result.push({ id, start: size.next, end: size.next + size.value });
    pos = size.next + size.value;
  }
  return result;
}

function skipLimits(bytes: Uint8Array, at: number): number {
  const flags = bytes[at] ?? 0;
  const min = readU32(bytes, at + 1);
  return flags & 1 ? readU32(bytes, min.next).next : min.next;
}

/** Counts imported functions and globals (they come first in their index spaces). */
function importCounts(bytes: Uint8Array, section: Section | undefined): { funcs: number; globals: number } {
  let funcs = 0;
  let globals = 0;
  if (!section) return { funcs, globals };
  const count = readU32(bytes, section.start);
  let pos = count.next;
  for (let i = 0; i < count.value; i++) {
    const moduleName = readU32(bytes, pos);
    const fieldName = readU32(bytes, moduleName.next + moduleName.value);
    pos = fieldName.next + fieldName.value;
    const kind = bytes[pos++];
    if (kind === EXTERNAL_FUNC) {
      funcs++;
      pos = readU32(bytes, pos).next;
    } else if (kind === EXTERNAL_TABLE) {
      pos = skipLimits(bytes, pos + 1);
    } else if (kind === EXTERNAL_MEMORY) {
      pos = skipLimits(bytes, pos);
    } else if (kind === EXTERNAL_GLOBAL) {
      globals++;
      pos += 2;
    } else {
      throw new WasmEditError(`unknown import kind ${String(kind)}`);
    }
  }
  return { funcs, globals };
}

function name(text: string): Uint8Array {
  const encoded = new TextEncoder().encode(text);
  return concat([Uint8Array.from(u32(encoded.length)), encoded]);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** A vector section (count + entries) with `entries` appended. */
function appendVector(bytes: Uint8Array, section: Section, entries: readonly Uint8Array[]): Uint8Array {
  const count = readU32(bytes, section.start);
  return concat([Uint8Array.from(u32(count.value + entries.length)), bytes.subarray(count.next, section.end), ...entries]);
}

function indexOf(haystack: Uint8Array, needle: readonly number[], from: number): number {
  outer: for (let i = from; i + needle.length <= haystack.length; i++) {
    for (let k = 0; k < needle.length; k++) if (haystack[i + k] !== needle[k]) continue outer;
    return i;
  }
  return -1;
}

function patchBody(body: Uint8Array, patches: readonly BodyPatch[]): Uint8Array {
  let current = body;
  for (const patch of patches) {
    const at = indexOf(current, patch.find, 0);
    if (at < 0 || indexOf(current, patch.find, at + 1) >= 0) {
      throw new WasmEditError(`function ${patch.func}: the bytes to patch do not occur exactly once`);
    }
    current = concat([current.subarray(0, at), Uint8Array.from(patch.replace), current.subarray(at + patch.find.length)]);
  }
  return current;
}

function rewriteCode(bytes: Uint8Array, section: Section, importedFuncs: number, patches: readonly BodyPatch[]): Uint8Array {
  const count = readU32(bytes, section.start);
  const parts: Uint8Array[] = [Uint8Array.from(u32(count.value))];
  let pos = count.next;
  const used = new Set<number>();
  for (let i = 0; i < count.value; i++) {
    const size = readU32(bytes, pos);
    const end = size.next + size.value;
    const mine = patches.filter((p) => p.func === importedFuncs + i);
    if (mine.length === 0) {
      parts.push(bytes.subarray(pos, end));
    } else {
      const patched = patchBody(bytes.subarray(size.next, end), mine);
      parts.push(Uint8Array.from(u32(patched.length)), patched);
      used.add(importedFuncs + i);
    }
    pos = end;
  }
  const missed = patches.find((p) => !used.has(p.func));
  if (missed) throw new WasmEditError(`function ${missed.func} has no body to patch`);
  return concat(parts);
}

/** Returns a new module binary with `edit` applied; throws WasmEditError when the binary does not fit it. */
export function editWasm(bytes: Uint8Array, edit: WasmEdit): Uint8Array {
  const list = sections(bytes);
  const find = (id: number): Section => {
    const section = list.find((s) => s.id === id);
    if (!section) throw new WasmEditError(`module has no section ${id}`);
    return section;
  };
  const imported = importCounts(bytes, list.find((s) => s.id === SECTION_IMPORT));
  const globalSection = find(SECTION_GLOBAL);
  const firstNew = imported.globals + readU32(bytes, globalSection.start).value;
  const globalIndex: Record<string, number> = {};
  Object.keys(edit.globals).forEach((key, i) => (globalIndex[key] = firstNew + i));

  const replaced = new Map<number, Uint8Array>();
  const newGlobals = Object.values(edit.globals).map((initial) => Uint8Array.from([TYPE_I32, MUTABLE, OP_I32_CONST, ...s32(initial), OP_END]));
  replaced.set(SECTION_GLOBAL, appendVector(bytes, globalSection, newGlobals));
  const exports = [
    ...Object.keys(edit.globals).map((key) => concat([name(key), Uint8Array.from([EXTERNAL_GLOBAL, ...u32(globalIndex[key] ?? 0)])])),
    ...Object.entries(edit.functions).map(([key, index]) => concat([name(key), Uint8Array.from([EXTERNAL_FUNC, ...u32(index)])])),
  ];
  replaced.set(SECTION_EXPORT, appendVector(bytes, find(SECTION_EXPORT), exports));
  replaced.set(SECTION_CODE, rewriteCode(bytes, find(SECTION_CODE), imported.funcs, edit.patches(globalIndex)));

  const parts: Uint8Array[] = [bytes.subarray(0, 8)];
  for (const section of list) {
    const payload = replaced.get(section.id) ?? bytes.subarray(section.start, section.end);
    parts.push(Uint8Array.from([section.id, ...u32(payload.length)]), payload);
  }
  return concat(parts);
}
