/** Boundary checks of the DTMF commands (pure; MediaError ERR_INVALID_ARGS with the reason). */
import { DEFAULT_DTMF_TONE_MS } from '../../dsp/index.js';
import { MediaError } from '../errors.js';
import { MAX_QUEUED_DIGITS } from './dtmf-send-stage.js';

export const MIN_DTMF_DURATION_MS = 40;
export const MAX_DTMF_DURATION_MS = 5000;
const DIGITS = /^[0-9*#A-D]+$/;

const invalid = (message: string): MediaError => new MediaError('ERR_INVALID_ARGS', message);

/** Upper-cased digits (0-9 * # A-D, 1..64 of them). */
export function validateDigits(command: string, digits: unknown): string {
  if (typeof digits !== 'string' || digits === '') throw invalid(`${command}: digits must be a non-empty string of 0-9 * # A-D`);
  const upper = digits.toUpperCase();
  if (!DIGITS.test(upper)) throw invalid(`${command}: digits "${digits}" may only contain 0-9 * # A-D`);
  if (upper.length > MAX_QUEUED_DIGITS) throw invalid(`${command}: at most ${MAX_QUEUED_DIGITS} digits at a time (got ${upper.length})`);
  return upper;
}

/** Tone/event length of each digit sent (default 100 ms). */
export function validateSendDuration(durationMs: unknown): number {
  if (durationMs === undefined) return DEFAULT_DTMF_TONE_MS;
  if (typeof durationMs !== 'number' || !Number.isInteger(durationMs) || durationMs < MIN_DTMF_DURATION_MS || durationMs > MAX_DTMF_DURATION_MS) {
    throw invalid(`leg.dtmf.send: durationMs must be an integer ${MIN_DTMF_DURATION_MS}..${MAX_DTMF_DURATION_MS} (got ${String(durationMs)})`);
  }
  return durationMs;
}

/** A digit the signalling layer reports (one key, a non-negative duration). */
export function validateReport(digit: unknown, durationMs: unknown): { digit: string; durationMs: number } {
  const key = validateDigits('leg.dtmf.report', digit);
  if (key.length !== 1) throw invalid(`leg.dtmf.report: digit must be one key (got "${String(digit)}")`);
  if (typeof durationMs !== 'number' || !Number.isFinite(durationMs) || durationMs < 0 || durationMs > 60_000) {
    throw invalid(`leg.dtmf.report: durationMs must be a number 0..60000 (got ${String(durationMs)})`);
  }
  return { digit: key, durationMs };
}
