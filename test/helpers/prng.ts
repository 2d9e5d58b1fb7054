/** xorshift32: deterministic pseudo-random uint32s, so fuzz and flood tests do the same on every run. */
export { xorshift32 as prng } from '../../dsp/prng.js';
