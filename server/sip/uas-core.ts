/**
 * The UAS core: every received message comes through `receive()`. It parses,
 * answers or drops malformed input, stamps Via (received/rport), matches
 * server and client transactions, runs the pre-dispatch checks and calls the
 * method handler from the dispatch table. It also owns the dialog table and
 * the pending INVITEs, and implements what dialogs and calls need from it.
 */
import type { Config } from '../../config/index.js';
import type { Logger } from '../logger.js';
import type { IncomingCall, SipTransportName } from '../signaling/backend.js';
import { createCounters, type SipCounters } from './counters.js';
import { dialogKey, type SipDialog } from './dialog.js';
import { handlerFor } from './handlers/index.js';
import type { HandlerCore, PendingInvite } from './handlers/types.js';
import { newTag } from './ids.js';
import { InboundRequest, type ServerTransaction } from './inbound-request.js';
import { SipIncomingCall, type CallServices } from './incoming-call.js';
import type { LocalAddressResolver } from './local-address.js';
import type { HeaderField, SipRequest, SipResponse } from './message.js';
import { DEFAULT_MAX_HEADER_LINE_BYTES, parseSipMessage, type ParseError, type ParserLimits } from './parser.js';
import { refusalFor } from './request-checks.js';
import { buildResponse, warningField } from './response-builder.js';
import type { OutgoingRequest } from './stack-context.js';
import { InviteServerTransaction } from './transactions/invite-server-transaction.js';
import { NonInviteClientTransaction } from './transactions/non-invite-client-transaction.js';
import { NonInviteServerTransaction } from './transactions/non-invite-server-transaction.js';
import { realScheduler, type Scheduler } from './transactions/scheduler.js';
import { sipTimers, type SipTimers } from './transactions/timers.js';
import { clientTransactionKey, responseClientKey, serverTransactionKey } from './transactions/transaction-key.js';
import type { TransactionEnv } from './transactions/transaction.js';
import { responseDestination, sourceDestination, stampReceivedVia, type Destination, type Flow, type TransportSender } from './transport.js';

export interface UasCoreOptions {
  readonly config: Config['sip'];
  readonly logger: Logger;
  readonly transport: TransportSender;
  /** Port of our listener per transport (Contact, Via). */
  readonly listenPort: (transport: SipTransportName) => number;
  readonly localAddresses: LocalAddressResolver;
  readonly scheduler?: Scheduler;
  readonly maxHeaderLineBytes?: number;
}

/** How long close() waits for BYEs to be answered before it drops the remaining dialogs. */
export const CLOSE_BYE_WAIT_MS = 2000;

export class UasCore implements CallServices {
  readonly logger: Logger;
  readonly scheduler: Scheduler;
  readonly timers: SipTimers;
  readonly userAgent: string;
  readonly counters: SipCounters = createCounters();
  readonly #limits: ParserLimits;
  readonly #transport: TransportSender;
  readonly #listenPort: (transport: SipTransportName) => number;
  readonly #localAddresses: LocalAddressResolver;
  readonly #serverTransactions = new Map<string, ServerTransaction>();
  readonly #clientTransactions = new Map<string, NonInviteClientTransaction>();
  readonly #pendingInvites = new Map<string, PendingInvite>();
  readonly #dialogs = new Map<string, SipDialog>();
  readonly #handlerCore: HandlerCore;
  #inviteHandler: ((call: IncomingCall) => void) | null = null;
  #closing: Promise<void> | null = null;

  constructor(options: UasCoreOptions) {
    this.logger = options.logger;
    this.scheduler = options.scheduler ?? realScheduler;
    this.timers = sipTimers(options.config.t1Ms);
    this.userAgent = options.config.userAgent;
    this.#limits = {
      maxMessageBytes: options.config.maxMessageBytes,
      maxHeaders: options.config.maxHeaders,
      maxHeaderLineBytes: options.maxHeaderLineBytes ?? DEFAULT_MAX_HEADER_LINE_BYTES,
    };
    this.#transport = options.transport;
    this.#listenPort = options.listenPort;
    this.#localAddresses = options.localAddresses;
    this.#handlerCore = {
      findDialog: (request) => this.#findDialog(request),
      findPendingInvite: (cancel) => this.#pendingInvites.get(serverTransactionKey(cancel, 'INVITE')),
      startCall: (inbound) => this.#startCall(inbound),
      warningHost: (inbound) => this.#localHost(inbound.flow),
    };
  }

  onInvite(handler: (call: IncomingCall) => void): void {
    this.#inviteHandler = handler;
  }

  /** Live state sizes, for tests and diagnostics. */
  get sizes(): { serverTransactions: number; clientTransactions: number; pendingInvites: number; dialogs: number } {
    return {
      serverTransactions: this.#serverTransactions.size,
      clientTransactions: this.#clientTransactions.size,
      pendingInvites: this.#pendingInvites.size,
      dialogs: this.#dialogs.size,
    };
  }

  /** Entry point for every received datagram / framed stream message. Never throws. */
  receive(data: Buffer, flow: Flow): void {
    try {
      const result = parseSipMessage(data, this.#limits);
      if (!result.ok) this.#malformed(result.error, flow);
      else if (result.message.kind === 'response') this.#receiveResponse(result.message);
      else this.#receiveRequest(result.message, flow);
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
    this.#answerMalformed(headers, status, reason, flow);
  }

  // ---- services for dialogs and calls ---------------------------------------------------

  sendResponse(data: Buffer, destination: Destination): void {
    this.counters.responsesOut++;
    this.#transport.send(data, destination);
  }

  sendRequest(request: OutgoingRequest): NonInviteClientTransaction {
    const key = clientTransactionKey(request.branch, request.method);
    const env: TransactionEnv = {
      scheduler: this.scheduler,
      timers: this.timers,
      reliable: request.destination.transport !== 'udp',
      send: (data) => {
        this.counters.requestsOut++;
        if (!this.#transport.send(data, request.destination)) tx.transportError();
      },
      onTerminated: () => {
        if (this.#clientTransactions.get(key) === tx) this.#clientTransactions.delete(key);
      },
    };
    const tx = new NonInviteClientTransaction(key, request.bytes, env);
    this.#clientTransactions.set(key, tx);
    tx.start();
    return tx;
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

  /** Answers pending INVITEs 503, sends BYE on every dialog (waits at most CLOSE_BYE_WAIT_MS), clears every timer. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  // ---- receiving ---------------------------------------------------------------------

  #malformed(error: ParseError, flow: Flow): void {
    if (error.code === 'empty') return; // a CRLF keep-alive, not an error
    this.#answerMalformed(error.headers, error.status, error.reason, flow, error.code);
  }

  #answerMalformed(headers: readonly HeaderField[] | null, status: number, reason: string, flow: Flow, code = 'stream'): void {
    const debug = this.logger.isLevelEnabled('debug');
    if (headers === null) {
      this.counters.droppedMalformed++;
      if (debug) this.logger.debug({ code, reason, source: `${flow.remoteAddress}:${flow.remotePort}` }, 'dropped malformed SIP message');
      return;
    }
    this.counters.rejectedMalformed++;
    const response = buildResponse(headers, status, {
      server: this.userAgent,
      toTag: newTag(),
      headers: [warningField(this.#localHost(flow), reason)],
    });
    // The Via of a broken message is not trusted: the answer goes straight back to the source.
    this.sendResponse(response, sourceDestination(flow));
    if (debug) this.logger.debug({ code, reason, status, source: `${flow.remoteAddress}:${flow.remotePort}` }, 'answered malformed SIP request');
  }

  #receiveResponse(response: SipResponse): void {
    this.counters.responsesIn++;
    const key = responseClientKey(response);
    const tx = key === null ? undefined : this.#clientTransactions.get(key);
    if (tx === undefined) {
      this.counters.strayResponses++;
      return;
    }
    tx.receiveResponse(response);
  }

  #receiveRequest(request: SipRequest, flow: Flow): void {
    this.counters.requestsIn++;
    stampReceivedVia(request, flow);
    const destination = responseDestination(request, flow);
    const key = serverTransactionKey(request);
    const existing = this.#serverTransactions.get(key);

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

    const tx = this.#createServerTransaction(key, request, flow, destination);
    const inbound = new InboundRequest(request, flow, tx, destination, this.userAgent);
    if (tx instanceof InviteServerTransaction) {
      // We are a UAS that may take a moment (media set-up): 100 Trying at once stops INVITE retransmissions.
      tx.respond(100, inbound.build(100));
      this.#pendingInvites.set(key, { inbound, tx, call: null });
    }
    if (this.#closing !== null && request.method === 'INVITE') {
      inbound.respond(503, { headers: [{ name: 'retry-after', value: '5' }] });
      return;
    }
    const refusal = refusalFor(request);
    if (refusal !== null) {
      inbound.respond(refusal.status, { headers: refusal.headers ?? [] });
      return;
    }
    handlerFor(request.method)(inbound, this.#handlerCore);
  }

  #createServerTransaction(key: string, request: SipRequest, flow: Flow, destination: Destination): ServerTransaction {
    const env: TransactionEnv = {
      scheduler: this.scheduler,
      timers: this.timers,
      reliable: flow.transport !== 'udp',
      send: (data) => this.sendResponse(data, destination),
      onTerminated: () => {
        if (this.#serverTransactions.get(key) !== tx) return;
        this.#serverTransactions.delete(key);
        this.#pendingInvites.delete(key);
      },
    };
    const tx: ServerTransaction =
      request.method === 'INVITE' ? new InviteServerTransaction(key, request, env) : new NonInviteServerTransaction(key, request, env);
    this.#serverTransactions.set(key, tx);
    return tx;
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
    const handler = this.#inviteHandler;
    if (handler === null) {
      inbound.respond(480, { headers: [warningField(this.#localHost(inbound.flow), 'no call handler')] });
      return;
    }
    const { flow } = inbound;
    const known = this.#localAddresses.known(flow.localAddress, flow.remoteAddress);
    const call = new SipIncomingCall(inbound, tx, known ?? flow.localAddress, this);
    pending.call = call;
    if (known !== null) {
      this.#deliver(call, handler);
      return;
    }
    void this.#localAddresses.resolve(flow.localAddress, flow.remoteAddress).then((address) => {
      call.setLocalAddress(address);
      if (!call.finished && this.#closing === null) this.#deliver(call, handler);
    });
  }

  #deliver(call: SipIncomingCall, handler: (call: IncomingCall) => void): void {
    try {
      handler(call);
    } catch (error) {
      this.logger.error({ err: error, callId: call.callId }, 'INVITE handler threw');
      if (!call.finished) call.reject(500, { warning: 'internal error' });
    }
  }

  #localHost(flow: Flow): string {
    return this.#localAddresses.known(flow.localAddress, flow.remoteAddress) ?? flow.localAddress;
  }

  async #close(): Promise<void> {
    for (const pending of this.#pendingInvites.values()) {
      if (pending.call !== null) pending.call.shutdown();
      else pending.inbound.respond(503, { headers: [{ name: 'retry-after', value: '5' }] });
    }
    const byes = [...this.#dialogs.values()].map((dialog) => dialog.shutdown());
    if (byes.length > 0) {
      let cancelWait = (): void => undefined;
      const timeout = new Promise<void>((resolve) => {
        cancelWait = this.scheduler.schedule(CLOSE_BYE_WAIT_MS, resolve);
      });
      await Promise.race([Promise.all(byes), timeout]);
      cancelWait();
    }
    for (const tx of [...this.#clientTransactions.values()]) tx.dispose();
    for (const tx of [...this.#serverTransactions.values()]) tx.dispose();
    for (const dialog of [...this.#dialogs.values()]) dialog.terminate('shutdown');
    this.#clientTransactions.clear();
    this.#serverTransactions.clear();
    this.#pendingInvites.clear();
    this.#dialogs.clear();
  }
}
