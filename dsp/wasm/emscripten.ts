/**
 * What we use of an Emscripten module: its heap views and allocator. The
 * heap may grow (ALLOW_MEMORY_GROWTH), which replaces the views, so hot paths
 * read `module.HEAP16` etc. on every call instead of caching a view.
 */
export interface EmscriptenModule {
  readonly HEAP16: Int16Array;
  readonly HEAP32: Int32Array;
  readonly HEAPU32: Uint32Array;
  readonly HEAPF32: Float32Array;
  _malloc(bytes: number): number;
  _free(pointer: number): void;
}

export class WasmLoadError extends Error {
  readonly code = 'DSP_WASM_LOAD';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WasmLoadError';
  }
}

/** Checks at load time that the module exports the functions we call, so a package update fails loudly. */
export function requireExports<T extends EmscriptenModule>(module: unknown, name: string, functions: readonly string[]): T {
  const record = module as Record<string, unknown> | null;
  const missing = ['_malloc', '_free', ...functions].filter((fn) => typeof record?.[fn] !== 'function');
  if (record === null || missing.length > 0 || !(record['HEAP16'] instanceof Int16Array)) {
    throw new WasmLoadError(`${name}: WASM module lacks ${missing.join(', ') || 'heap views'}`);
  }
  return module as T;
}

/** Memoises an async loader: the module is instantiated once per process (per worker thread) and shared. */
export function once<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= load().catch((error: unknown) => {
      pending = undefined;
      throw error instanceof WasmLoadError ? error : new WasmLoadError(`WASM load failed: ${String(error)}`, { cause: error });
    });
    return pending;
  };
}
