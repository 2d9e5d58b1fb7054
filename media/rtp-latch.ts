/**
 * Symmetric RTP latching rules ("which source may send us this leg's RTP"),
 * as a pure decision over (address, port, SSRC) so the endpoint can check a
 * packet before spending an SRTP authentication on it and commit only after.
 *
 * - Learning: `open` (every leg.update: answer, re-INVITE) starts a learning
 *   period (and forgets the latch if the SDP moved the media). A leg with no source yet latches its first packet whenever it
 *   comes. A leg that already has one keeps it, but for LEARN_WINDOW_MS the
 *   first packet from a different source moves the latch (the far end moved
 *   its media); that ends learning.
 * - After that, a packet is accepted from the latched address:port; from
 *   elsewhere only when its SSRC is the latched stream's (NAT rebinding: same
 *   stream, new public port), or when it comes from exactly the address:port
 *   the SDP announced. Everything else is rejected: RTP bleed or injection.
 */

/** How long after a leg.update a new source may take over an existing latch. */
export const LEARN_WINDOW_MS = 5000;

/** 'current': from the latched source; 'switch': accept and latch this source; 'reject': drop. */
export type SourceVerdict = 'current' | 'switch' | 'reject';

export interface Destination {
  readonly address: string;
  readonly port: number;
}

export class SourceLatch {
  readonly #now: () => number;
  readonly #windowMs: number;
  #latch: Destination | null = null;
  #source: string | null = null;
  #ssrc = 0;
  #learning = true;
  #learnUntil = 0;
  #signalled: Destination | null = null;

  constructor(now: () => number, windowMs = LEARN_WINDOW_MS) {
    this.#now = now;
    this.#windowMs = windowMs;
  }

  /** The latched source, where we send RTP; null before the first accepted packet. */
  get destination(): Destination | null {
    return this.#latch;
  }

  /** "address:port" of the latched source. */
  get source(): string | null {
    return this.#source;
  }

  /** SSRC of the latched stream (last seen from the latched source). */
  get ssrc(): number | null {
    return this.#latch === null ? null : this.#ssrc;
  }

  get learning(): boolean {
    return this.#learning && (this.#latch === null || this.#now() <= this.#learnUntil);
  }

  /**
   * A leg.update: `signalled` is the SDP's RTP address:port (null when unknown); learning
   * restarts. When the SDP moved the media elsewhere, the old latch is forgotten at once
   * (we send to the new address until its first packet).
   */
  open(signalled: Destination | null): void {
    const next = signalled !== null && signalled.port !== 0 ? signalled : null;
    const previous = this.#signalled;
    if (previous !== null && (next === null || next.address !== previous.address || next.port !== previous.port)) {
      this.#latch = null;
      this.#source = null;
    }
    this.#signalled = next;
    this.#learning = true;
    this.#learnUntil = this.#now() + this.#windowMs;
  }

  /** Decides without changing anything (the caller may still fail SRTP authentication). */
  judge(address: string, port: number, ssrc: number): SourceVerdict {
    const latch = this.#latch;
    if (latch !== null && port === latch.port && address === latch.address) return 'current';
    if (this.learning) return 'switch';
    if (latch !== null && ssrc === this.#ssrc) return 'switch';
    const signalled = this.#signalled;
    if (signalled !== null && port === signalled.port && address === signalled.address) return 'switch';
    return 'reject';
  }

  /** Applies an accepted packet's verdict; true when the latch moved to a new source. */
  commit(verdict: SourceVerdict, address: string, port: number, ssrc: number): boolean {
    this.#ssrc = ssrc;
    if (verdict !== 'switch') return false;
    this.#latch = { address, port };
    this.#source = `${address}:${port}`;
    this.#learning = false;
    return true;
  }

  /** True when `address`:`port` is the SDP-announced one (RTCP uses it with its own port). */
  isSignalled(address: string, port: number): boolean {
    const signalled = this.#signalled;
    return signalled !== null && signalled.address === address && signalled.port === port;
  }
}
