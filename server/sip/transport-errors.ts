/**
 * Socket errors are counted always and logged once per kind (code + place),
 * so a peer that keeps resetting connections cannot flood the log.
 */
import type { Logger } from '../logger.js';

const MAX_KINDS_REMEMBERED = 64;

export class TransportErrorTally {
  #count = 0;
  readonly #logged = new Set<string>();

  constructor(private readonly logger: Logger) {}

  get count(): number {
    return this.#count;
  }

  record(where: string, error: unknown): void {
    this.#count++;
    const code = error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : 'unknown';
    const kind = `${where}:${code}`;
    if (this.#logged.has(kind) || this.#logged.size >= MAX_KINDS_REMEMBERED) return;
    this.#logged.add(kind);
    this.logger.warn({ err: error, where }, 'SIP transport error (further ones of this kind are only counted)');
  }
}
