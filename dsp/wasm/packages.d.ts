/**
 * Types for the Emscripten builds we load (the packages ship none). Each
 * default export is an Emscripten `MODULARIZE` factory resolving to the module.
 */
declare module '@echogarden/speex-resampler-wasm' {
  const factory: (moduleArg?: object) => Promise<unknown>;
  export default factory;
}
declare module '@echogarden/speex-resampler-wasm/simd' {
  const factory: (moduleArg?: object) => Promise<unknown>;
  export default factory;
}
declare module '@echogarden/fvad-wasm' {
  const factory: (moduleArg?: object) => Promise<unknown>;
  export default factory;
}
declare module '@echogarden/rnnoise-wasm' {
  const factory: (moduleArg?: object) => Promise<unknown>;
  export default factory;
}
