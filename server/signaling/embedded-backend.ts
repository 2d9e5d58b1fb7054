/**
 * The signalling backend on the embedded SIP stack (server/sip): UDP and TCP
 * listeners on one host:port and WebSocket on its own, feeding the SIP core.
 */
import { parseHostPort, type Config, type HostPort } from '../../config/index.js';
import type { Logger } from '../logger.js';
import type { SipCounters } from '../sip/counters.js';
import { LocalAddressResolver } from '../sip/local-address.js';
import type { LocationService } from '../sip/registrar/location-service.js';
import { SipCore } from '../sip/sip-core.js';
import type { Scheduler } from '../sip/transactions/scheduler.js';
import { TransportErrorTally } from '../sip/transport-errors.js';
import { SipTransports } from '../sip/transports.js';
import type { IncomingCall, OutgoingCall, PlaceCallOptions, RegisteredContact, SignalingBackend, SipTransportName } from './backend.js';

export interface EmbeddedSipBackendOptions {
  readonly config: Config['sip'];
  /** Digest authentication policy; without it nothing is challenged. */
  readonly auth?: Config['auth'];
  readonly logger: Logger;
  /** Timer source for transactions and dialogs (tests pass a manual one). */
  readonly scheduler?: Scheduler;
  /** Wall clock for registrations and nonces (tests pass their own). */
  readonly now?: () => number;
  /** Where registrations are kept (default: in memory). */
  readonly location?: LocationService;
}

export class EmbeddedSipBackend implements SignalingBackend {
  readonly #config: Config['sip'];
  readonly #logger: Logger;
  readonly #errors: TransportErrorTally;
  readonly #core: SipCore;
  #transports: SipTransports | null = null;
  #starting: Promise<Readonly<Partial<Record<SipTransportName, HostPort>>>> | null = null;
  #closing: Promise<void> | null = null;

  constructor(options: EmbeddedSipBackendOptions) {
    this.#config = options.config;
    this.#logger = options.logger;
    this.#errors = new TransportErrorTally(options.logger);
    const listen = parseHostPort(options.config.listen);
    const ws = parseHostPort(options.config.wsListen);
    this.#core = new SipCore({
      config: options.config,
      auth: options.auth,
      logger: options.logger,
      scheduler: options.scheduler,
      now: options.now,
      location: options.location,
      localAddresses: new LocalAddressResolver(listen.host),
      transport: { send: (data, destination, onError) => this.#transports?.send(data, destination, onError) ?? false },
      listenPort: (transport) => this.#transports?.port(transport) ?? (transport === 'ws' ? ws.port : listen.port),
    });
    if (options.auth !== undefined && options.auth.require.length > 0 && options.auth.users.length === 0) {
      options.logger.info({ require: options.auth.require }, 'no auth.users configured: nothing is challenged (an open server)');
    }
  }

  /** The SIP core, for in-process tests (`core.receive(bytes, flow)` bypasses sockets). */
  get core(): SipCore {
    return this.#core;
  }

  start(): Promise<Readonly<Partial<Record<SipTransportName, HostPort>>>> {
    if (this.#closing !== null) return Promise.reject(new Error('the SIP backend is closed'));
    this.#starting ??= this.#start();
    return this.#starting;
  }

  onInvite(handler: (call: IncomingCall) => void): void {
    this.#core.onInvite(handler);
  }

  placeCall(options: PlaceCallOptions): OutgoingCall {
    return this.#core.placeCall(options);
  }

  locate(user: string): readonly RegisteredContact[] {
    return this.#core.locate(user);
  }

  /** A snapshot: the contract's counters plus the stack's diagnostic ones (`SipCounters`). */
  counters(): SipCounters {
    const counters = this.#core.counters;
    return {
      ...counters,
      rejects: { ...counters.rejects },
      requestsByMethod: { ...counters.requestsByMethod },
      responsesByStatus: { ...counters.responsesByStatus },
      transportErrors: this.#errors.count,
      activeCalls: this.#core.activeCalls,
    };
  }

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #start(): Promise<Readonly<Partial<Record<SipTransportName, HostPort>>>> {
    const listen = parseHostPort(this.#config.listen);
    const transports = await SipTransports.open(
      {
        host: listen.host,
        port: listen.port,
        transports: this.#config.transports,
        maxMessageBytes: this.#config.maxMessageBytes,
        ws: parseHostPort(this.#config.wsListen),
      },
      {
        onMessage: (data, flow) => this.#core.receive(data, flow),
        onStreamError: (head, flow, reason, status) => this.#core.receiveStreamError(head, flow, reason, status),
      },
      this.#errors,
    );
    this.#transports = transports;
    this.#logger.info({ listeners: transports.bound }, 'SIP listening');
    return transports.bound;
  }

  async #close(): Promise<void> {
    // Let a start in flight finish so its sockets are closed too.
    await this.#starting?.catch(() => undefined);
    await this.#core.close();
    await this.#transports?.close();
  }
}
