/**
 * The SIP core: every received message comes through `receive()`. It parses,
 * answers or drops malformed input, stamps Via (received/rport), matches
 * transactions, admits new requests (checks, call limit, authentication) and
 * calls the method handler from the dispatch table. It owns the dialogs, the
 * INVITEs being answered, the registrar's location service, and places
 * calls; dialogs and calls reach the network through it (`StackContext`).
 */
import type { Config } from '../../config/index.js';
import type { Logger } from '../logger.js';
import type { IncomingCall, OutgoingCall, PlaceCallOptions, RegisteredContact, SipTransportName } from '../signaling/backend.js';
import { admit } from './admission.js';
import { Authenticator } from './auth/authenticator.js';
import { countRequest, createCounters, type SipCounters } from './counters.js';
import { dialogKey, type SipDialog } from './dialog.js';
import { handlerFor } from './handlers/index.js';
import type { HandlerCore, PendingInvite } from './handlers/types.js';
import { InboundRequest } from './inbound-request.js';
import type { SipIncomingCall } from './incoming-call.js';
import { startIncomingCall } from './incoming-start.js';
import type { LocalAddressResolver } from './local-address.js';
import type { HeaderField, SipRequest, SipResponse } from './message.js';
import { answerMalformed } from './malformed.js';
import { SipOutgoingCall, type OutgoingRoute } from './outgoing-call.js';
import { SipError } from './errors.js';
import { placeRoute, routeForUri } from './outgoing-route.js';
import { DEFAULT_MAX_HEADER_LINE_BYTES, parseSipMessage, type ParserLimits } from './parser.js';
import { InMemoryLocationService, type LocationService } from './registrar/location-service.js';
import { registerAndAnswer } from './registrar/register-response.js';
import { RejectLog } from './reject-log.js';
import type { SessionTimerPolicy } from './session-timer.js';
import type { StackContext } from './stack-context.js';
import { TransactionLayer, type OutgoingRequest } from './transaction-layer.js';
import type { InviteClientTransaction, InviteClientUser } from './transactions/invite-client-transaction.js';
import { InviteServerTransaction } from './transactions/invite-server-transaction.js';
import type { NonInviteClientTransaction } from './transactions/non-invite-client-transaction.js';
import { realScheduler, type Scheduler } from './transactions/scheduler.js';
import { sipTimers, type SipTimers } from './transactions/timers.js';
import { serverTransactionKey } from './transactions/transaction-key.js';
import { responseDestination, stampReceivedVia, type Destination, type Flow, type TransportSender } from './transport.js';

export interface SipCoreOptions {
  readonly config: Config['sip'];
  /** Digest authentication policy (defaults: nothing challenged). */
  readonly auth?: Config['auth'];
  readonly logger: Logger;
  readonly transport: TransportSender;
  /** Port of our listener per transport (Contact, Via). */
  readonly listenPort: (transport: SipTransportName) => number;
  readonly localAddresses: LocalAddressResolver;
  readonly scheduler?: Scheduler;
  /** Wall clock for registrations and nonces (ms); tests pass their own. */
  readonly now?: () => number;
  readonly location?: LocationService;
  readonly maxHeaderLineBytes?: number;
}


/** How long close() waits for BYEs to be answered before it drops the remaining dialogs. */
export const CLOSE_BYE_WAIT_MS = 2000;

const NO_AUTH: Config['auth'] = { realm: 'voxbridge', users: [], require: [], algorithms: ['SHA-256', 'MD5'], nonceSeconds: 300 };

export class SipCore implements StackContext {
  readonly logger: Logger;
  readonly scheduler: Scheduler;
  readonly timers: SipTimers;
  readonly userAgent: string;
  readonly counters: SipCounters = createCounters();
  readonly sessionTimers: SessionTimerPolicy;
  readonly rejects: RejectLog;
  readonly location: LocationService;
  readonly now: () => number;
  readonly auth: Authenticator;
  readonly #config: Config['sip'];
  readonly #limits: ParserLimits;
  readonly #transport: TransportSender;
  readonly #listenPort: (transport: SipTransportName) => number;
  readonly localAddresses: LocalAddressResolver;
  readonly #transactions: TransactionLayer;
  readonly #pendingInvites = new Map<string, PendingInvite>();
  readonly #earlyCalls = new Map<string, SipIncomingCall>();
  readonly #dialogs = new Map<string, SipDialog>();
  readonly #outgoing = new Set<SipOutgoingCall>();
  readonly #handlerCore: HandlerCore;
  /** New INVITEs without a final response yet (the call limit counts them with the dialogs). */
  #unanswered = 0;
  #inviteHandler: ((call: IncomingCall) => void) | null = null;
  #closing: Promise<void> | null = null;

  constructor(options: SipCoreOptions) {
    const { config } = options;
    this.logger = options.logger;
    this.scheduler = options.scheduler ?? realScheduler;
    this.now = options.now ?? Date.now;
    this.timers = sipTimers(config.t1Ms, config.t2Ms, config.t4Ms);
    this.userAgent = config.userAgent;
    this.sessionTimers = { sessionExpires: config.sessionExpires, minSE: config.minSessionExpires };
    this.rejects = new RejectLog(options.logger, this.now, this.counters.rejects);
    this.location = options.location ?? new InMemoryLocationService();
    this.auth = new Authenticator(options.auth ?? NO_AUTH, this.now);
    this.#config = config;
    this.#limits = {
      maxMessageBytes: config.maxMessageBytes,
      maxHeaders: config.maxHeaders,
      maxHeaderLineBytes: options.maxHeaderLineBytes ?? DEFAULT_MAX_HEADER_LINE_BYTES,
    };
    this.#transport = options.transport;
    this.#listenPort = options.listenPort;
    this.localAddresses = options.localAddresses;
    this.#transactions = new TransactionLayer({
      scheduler: this.scheduler,
      timers: this.timers,
      transport: options.transport,
      counters: this.counters,
    });
    this.#handlerCore = {
      findDialog: (request) => this.#findDialog(request),
      findPendingInvite: (cancel) => this.#pendingInvites.get(serverTransactionKey(cancel, 'INVITE')),
      inviteTransactionExists: (cancel) => this.#transactions.findServer(serverTransactionKey(cancel, 'INVITE')) !== undefined,
      findEarlyCall: (request) => this.#earlyCalls.get(dialogKey(request.callId, request.to.tag ?? '', request.from.tag ?? '')),
      startCall: (inbound) => this.#startCall(inbound),
      register: (inbound) => registerAndAnswer(inbound, this),
      warningHost: (inbound) => this.warningHost(inbound.flow),
    };
  }

  onInvite(handler: (call: IncomingCall) => void): void {
    this.#inviteHandler = handler;
  }

  /** Live state sizes, for tests and diagnostics. */
  get sizes(): { serverTransactions: number; clientTransactions: number; pendingInvites: number; dialogs: number } {
    return {
      serverTransactions: this.#transactions.serverCount,
      clientTransactions: this.#transactions.clientCount,
      pendingInvites: this.#pendingInvites.size,
      dialogs: this.#dialogs.size,
    };
  }

  /** Calls now: dialogs plus new INVITEs not answered yet. */
  get activeCalls(): number {
    return this.#dialogs.size + this.#unanswered;
  }

  /** Entry point for every received datagram / framed stream message. Never throws. */
  receive(data: Buffer, flow: Flow): void {
    try {
      const result = parseSipMessage(data, this.#limits);
      if (!result.ok) {
        if (result.error.code !== 'empty') answerMalformed(this, result.error.headers, result.error.status, result.error.reason, flow, result.error.code);
      } else if (result.message.kind === 'response') {
        this.#receiveResponse(result.message);
      } else {
        this.#receiveRequest(result.message, flow);
      }
    } catch (error) {
      // A bug, not bad input (the parser does not throw): keep serving, but say so loudly.
      this.counters.droppedMalformed++;
      this.logger.error({ err: error }, 'unexpected error while handling a SIP message');
    }
  }

  /** A stream broke framing or limits; answer from its header section if possible (the connection is then closed). */
  receiveStreamError(head: Buffer | null, flow: Flow, reason: string, status: number): void {
    const parsed = head === null ? null : parseSipMessage(head, { ...this.#limits, maxMessageBytes: head.length });
    let headers: readonly HeaderField[] | null = null;
    if (parsed?.ok === true) headers = parsed.message.kind === 'request' && parsed.message.method !== 'ACK' ? parsed.message.headers : null;
    else if (parsed?.ok === false) headers = parsed.error.headers;
    answerMalformed(this, headers, status, reason, flow, 'stream');
  }

  /** Places a call; the INVITE goes out once the local address and the offer are ready. */
  placeCall(options: PlaceCallOptions): OutgoingCall {
    const placed = placeRoute(options, this);
    const route = 'route' in placed ? placed.route : null;
    const call = new SipOutgoingCall(options, this, route, options.ringTimeoutMs ?? this.#config.ringTimeoutSeconds * 1000);
    if (!('route' in placed)) {
      call.fail(placed.error);
    } else if (this.#closing !== null) {
      call.fail(new SipError(503, 'the SIP stack is shutting down', { code: 'ERR_SIP_CALL_ENDED' }));
    } else {
      this.#outgoing.add(call);
      void call.start();
      void call.answered.catch(() => undefined).finally(() => this.#outgoing.delete(call));
    }
    return call;
  }

  /** Live registered contacts of `user`, most recent first. */
  locate(user: string): RegisteredContact[] {
    return this.location.lookup(user, this.now()).map((binding) => ({
      user: binding.user,
      uri: binding.uri,
      expiresAt: binding.expiresAt,
      source: { address: binding.flow.remoteAddress, port: binding.flow.remotePort, transport: binding.flow.transport },
      userAgent: binding.userAgent,
    }));
  }

  // ---- StackContext: services for dialogs and calls -------------------------------------

  sendResponse(data: Buffer, destination: Destination, onError?: () => void): boolean {
    return this.#transactions.sendResponse(data, destination, onError);
  }

  sendStateless(data: Buffer, destination: Destination): boolean {
    this.counters.requestsOut++;
    return this.#transport.send(data, destination);
  }

  sendRequest(request: OutgoingRequest): NonInviteClientTransaction {
    return this.#transactions.sendRequest(request);
  }

  sendInvite(request: OutgoingRequest, user: InviteClientUser, ackFor: (response: SipResponse) => Buffer): InviteClientTransaction {
    return this.#transactions.sendInvite(request, user, ackFor);
  }

  listenPort(transport: SipTransportName): number {
    return this.#listenPort(transport);
  }

  addDialog(dialog: SipDialog): void {
    this.#dialogs.set(dialog.key, dialog);
  }

  removeDialog(dialog: SipDialog): void {
    if (this.#dialogs.get(dialog.key) === dialog) this.#dialogs.delete(dialog.key);
  }

  /** The local address toward a call's first hop (Contact, Via, SDP). */
  localAddressFor(route: OutgoingRoute): Promise<string> {
    return this.localAddresses.resolve(route.flow.localAddress, route.destination.address);
  }

  routeFor(uri: string): OutgoingRoute | null {
    return routeForUri(uri);
  }

  trackEarly(key: string, call: SipIncomingCall | null): void {
    if (call === null) this.#earlyCalls.delete(key);
    else this.#earlyCalls.set(key, call);
  }

  warningHost(flow: Flow): string {
    return this.localAddresses.known(flow.localAddress, flow.remoteAddress) ?? flow.localAddress;
  }

  /** Answers pending INVITEs 503, cancels calls being placed, sends BYE on every dialog (waits at most CLOSE_BYE_WAIT_MS), clears every timer. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  // ---- receiving ---------------------------------------------------------------------

  #receiveResponse(response: SipResponse): void {
    this.counters.responsesIn++;
    if (!this.#transactions.receiveResponse(response)) this.counters.strayResponses++;
  }

  #receiveRequest(request: SipRequest, flow: Flow): void {
    this.counters.requestsIn++;
    countRequest(this.counters, request.method);
    stampReceivedVia(request, flow);
    const destination = responseDestination(request, flow);
    const key = serverTransactionKey(request);
    const existing = this.#transactions.findServer(key);

    if (request.method === 'ACK') {
      // An ACK for a non-2xx belongs to the INVITE server transaction; one for a 2xx to the dialog.
      if (existing instanceof InviteServerTransaction) {
        const wasConfirmed = existing.state === 'confirmed';
        if (existing.receiveAck()) {
          if (wasConfirmed) this.counters.retransmissionsAbsorbed++;
          return;
        }
      }
      handlerFor('ACK')(new InboundRequest(request, flow, null, destination, this.userAgent), this.#handlerCore);
      return;
    }
    if (existing !== undefined) {
      existing.receiveRequest();
      this.counters.retransmissionsAbsorbed++;
      return;
    }

    const tx = this.#transactions.createServer(key, request, destination);
    const inbound = new InboundRequest(request, flow, tx, destination, this.userAgent);
    if (tx instanceof InviteServerTransaction) {
      // 100 Trying at once, or (sip.tryingDelayMs) only if the app has not answered by then (RFC 3261 §17.2.1).
      tx.sendTryingAfter(Math.min(this.#tryingDelayMs, this.timers.T1 / 2), () => inbound.build(100));
      // Kept until the final response: CANCEL and shutdown need it; after that only the transaction remains.
      this.#pendingInvites.set(key, { inbound, tx, call: null });
      const initial = request.to.tag === null;
      if (initial) this.#unanswered++;
      tx.onFinished = () => {
        this.#pendingInvites.delete(key);
        if (initial) this.#unanswered--;
      };
    }
    const admitted = admit(inbound, {
      auth: this.auth,
      rejects: this.rejects,
      maxCalls: this.#config.maxCalls,
      activeCalls: () => this.activeCalls,
      shuttingDown: this.#closing !== null,
      warningHost: (request) => this.warningHost(request.flow),
    });
    if (admitted) handlerFor(request.method)(inbound, this.#handlerCore);
  }

  get #tryingDelayMs(): number {
    return this.#config.tryingDelayMs;
  }

  #findDialog(request: SipRequest): SipDialog | undefined {
    const localTag = request.to.tag;
    if (localTag === null) return undefined;
    return this.#dialogs.get(dialogKey(request.callId, localTag, request.from.tag ?? ''));
  }

  #startCall(inbound: InboundRequest): void {
    const tx = inbound.tx;
    const pending = tx === null ? undefined : this.#pendingInvites.get(tx.key);
    if (!(tx instanceof InviteServerTransaction) || pending === undefined) return;
    startIncomingCall(inbound, tx, pending, this, this.#inviteHandler, () => this.#closing !== null);
  }

  async #close(): Promise<void> {
    for (const pending of this.#pendingInvites.values()) {
      if (pending.call !== null) pending.call.shutdown();
      else pending.inbound.respond(503, { headers: [{ name: 'retry-after', value: '5' }] });
    }
    for (const call of this.#outgoing) call.shutdown();
    const byes = [...this.#dialogs.values()].map((dialog) => dialog.shutdown());
    if (byes.length > 0) {
      let cancelWait = (): void => undefined;
      const timeout = new Promise<void>((resolve) => {
        cancelWait = this.scheduler.schedule(CLOSE_BYE_WAIT_MS, resolve);
      });
      await Promise.race([Promise.all(byes), timeout]);
      cancelWait();
    }
    for (const call of this.#outgoing) call.fail(new SipError(503, 'the SIP stack is shutting down', { code: 'ERR_SIP_CALL_ENDED' }));
    this.#outgoing.clear();
    this.#transactions.dispose();
    for (const dialog of [...this.#dialogs.values()]) dialog.terminate('shutdown');
    this.#pendingInvites.clear();
    this.#earlyCalls.clear();
    this.#dialogs.clear();
  }
}
