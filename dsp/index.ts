/** dsp/: pure processors over Int16Array/Float32Array (no timers, sockets or logging). */
export { PacketLossConcealer, DEFAULT_FADE_MS, type PlcOptions } from './plc.js';
