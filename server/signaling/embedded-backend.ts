/**
 * The signalling backend on the embedded SIP stack (server/sip): UDP and TCP
 * listeners on one host:port feeding the UAS core.
 */
import { parseHostPort, type Config, type HostPort } from '../../config/index.js';
import type { Logger } from '../logger.js';
import { LocalAddressResolver } from '../sip/local-address.js';
import type { Scheduler } from '../sip/transactions/scheduler.js';
import { TransportErrorTally } from '../sip/transport-errors.js';
import { SipTransports } from '../sip/transports.js';
import { UasCore } from '../sip/uas-core.js';
import type { SipCounters } from '../sip/counters.js';
import type { IncomingCall, SignalingBackend, SipTransportName } from './backend.js';

export interface EmbeddedSipBackendOptions {
  readonly config: Config['sip'];
  readonly logger: Logger;
  /** Timer source for transactions and dialogs (tests pass a manual one). */
  readonly scheduler?: Scheduler;
}

export class EmbeddedSipBackend implements SignalingBackend {
  readonly #config: Config['sip'];
  readonly #logger: Logger;
  readonly #errors: TransportErrorTally;
  readonly #core: UasCore;
  #transports: SipTransports | null = null;
  #starting: Promise<Readonly<Partial<Record<SipTransportName, HostPort>>>> | null = null;
  #closing: Promise<void> | null = null;

  constructor(options: EmbeddedSipBackendOptions) {
    this.#config = options.config;
    this.#logger = options.logger;
    this.#errors = new TransportErrorTally(options.logger);
    const listen = parseHostPort(options.config.listen);
    this.#core = new UasCore({
      config: options.config,
      logger: options.logger,
      scheduler: options.scheduler,
      localAddresses: new LocalAddressResolver(listen.host),
      transport: { send: (data, destination) => this.#transports?.send(data, destination) ?? false },
      listenPort: (transport) => this.#transports?.port(transport) ?? listen.port,
    });
  }

  /** The UAS core, for in-process tests (`core.receive(bytes, flow)` bypasses sockets). */
  get core(): UasCore {
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

  /** A snapshot: the contract's counters plus the stack's diagnostic ones (`SipCounters`). */
  counters(): SipCounters {
    return { ...this.#core.counters, transportErrors: this.#errors.count };
  }

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #start(): Promise<Readonly<Partial<Record<SipTransportName, HostPort>>>> {
    const listen = parseHostPort(this.#config.listen);
    const transports = await SipTransports.open(
      { host: listen.host, port: listen.port, transports: this.#config.transports, maxMessageBytes: this.#config.maxMessageBytes },
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
