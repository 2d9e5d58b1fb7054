/**
 * What the engine shares with its command modules (media/commands/*): one
 * module per area of the contract (rooms, recording, voice, DTMF, engine
 * stats), each with its own state, all driving the same legs and clock.
 */
import type { Logger } from 'pino';
import type { Leg } from './leg.js';
import type { MediaClock } from './media-clock.js';
import type { EngineCommands, EngineEvent } from './protocol.js';

export interface EngineContext {
  readonly clock: MediaClock;
  readonly logger: Logger;
  /** Delivers an event to the control plane (asynchronously; never throws). */
  readonly emit: (event: EngineEvent) => void;
  /** The leg called `legId`; throws MediaError ERR_NO_SUCH_LEG. */
  leg(legId: string): Leg;
  /** Every open leg. */
  legs(): IterableIterator<Leg>;
  /** Runs `listener` just before a leg closes (rooms drop it, recordings finish it). */
  onLegClosing(listener: (leg: Leg) => void): void;
  /** Runs `listener` after a leg's parameters changed (leg.update): modules re-fit their stages. */
  onLegUpdated(listener: (leg: Leg) => void): void;
}

type Handler<C, N extends keyof C> = C[N] extends { args: infer A; result: infer R } ? (args: A) => Promise<R> | R : never;

/** Handlers for a subset `C` of the commands. */
export type CommandTable<C> = { readonly [N in keyof C]: Handler<C, N> };

export interface CommandModule<C extends Partial<EngineCommands>> {
  readonly handlers: CommandTable<C>;
  /** Engine shutdown: release everything the module holds. */
  close?(): Promise<void> | void;
}
