/**
 * The transaction layer (RFC 3261 §17): the tables of server and client
 * transactions, their creation with the right environment (timers, reliable
 * or not, where bytes go), response matching for client transactions, and
 * transport failures turned into `transportError()` on the transaction that
 * sent the bytes.
 */
import { countResponse, type SipCounters } from './counters.js';
import type { SipRequest, SipResponse } from './message.js';
import { InviteClientTransaction, type InviteClientUser } from './transactions/invite-client-transaction.js';
import { InviteServerTransaction } from './transactions/invite-server-transaction.js';
import { NonInviteClientTransaction } from './transactions/non-invite-client-transaction.js';
import { NonInviteServerTransaction } from './transactions/non-invite-server-transaction.js';
import type { Scheduler } from './transactions/scheduler.js';
import type { SipTimers } from './transactions/timers.js';
import { clientTransactionKey, responseClientKey, storedKey } from './transactions/transaction-key.js';
import type { TransactionEnv } from './transactions/transaction.js';
import type { Destination, TransportSender } from './transport.js';

export type ServerTransaction = InviteServerTransaction | NonInviteServerTransaction;
export type ClientTransaction = InviteClientTransaction | NonInviteClientTransaction;

/** A request we built, ready for a client transaction. */
export interface OutgoingRequest {
  readonly bytes: Buffer;
  readonly branch: string;
  readonly method: string;
  readonly destination: Destination;
}

export interface TransactionLayerOptions {
  readonly scheduler: Scheduler;
  readonly timers: SipTimers;
  readonly transport: TransportSender;
  readonly counters: SipCounters;
}

/**
 * One transaction's environment. A small object rather than closures: a
 * transaction lives up to 64*T1 (32 s by default), and at a thousand calls a
 * second the closures and their contexts were a large share of the heap.
 */
class Env implements TransactionEnv {
  tx: ServerTransaction | ClientTransaction | null = null;
  readonly scheduler: Scheduler;
  readonly timers: SipTimers;
  readonly reliable: boolean;
  /** Handed to the transport for failures it learns of later (a TCP connect that fails). */
  readonly #onTransportError = (): void => this.tx?.transportError();

  constructor(
    private readonly layer: TransactionLayer,
    private readonly options: TransactionLayerOptions,
    private readonly destination: Destination,
    private readonly key: string,
    private readonly side: 'server' | 'client',
  ) {
    this.scheduler = options.scheduler;
    this.timers = options.timers;
    this.reliable = destination.transport !== 'udp';
  }

  send(data: Buffer): void {
    const { counters, transport } = this.options;
    if (this.side === 'client') counters.requestsOut++;
    else {
      counters.responsesOut++;
      countResponse(counters, data);
    }
    // A send that cannot even be tried fails at once; a connection that fails later reports back.
    if (!transport.send(data, this.destination, this.#onTransportError)) this.tx?.transportError();
  }

  onTerminated(): void {
    if (this.tx !== null) this.layer.forget(this.side, this.key, this.tx);
  }
}

export class TransactionLayer {
  readonly #server = new Map<string, ServerTransaction>();
  readonly #client = new Map<string, ClientTransaction>();

  constructor(private readonly options: TransactionLayerOptions) {}

  get serverCount(): number {
    return this.#server.size;
  }

  get clientCount(): number {
    return this.#client.size;
  }

  findServer(key: string): ServerTransaction | undefined {
    return this.#server.get(key);
  }

  /** Creates the server transaction for a new request; its responses go to `destination`. */
  createServer(messageKey: string, request: SipRequest, destination: Destination): ServerTransaction {
    const key = storedKey(messageKey);
    const env = new Env(this, this.options, destination, key, 'server');
    const tx: ServerTransaction = request.method === 'INVITE' ? new InviteServerTransaction(key, env) : new NonInviteServerTransaction(key, env);
    env.tx = tx;
    this.#server.set(key, tx);
    return tx;
  }

  /** Runs a non-INVITE client transaction; its `outcome` never rejects. */
  sendRequest(request: OutgoingRequest): NonInviteClientTransaction {
    const key = storedKey(clientTransactionKey(request.branch, request.method));
    const env = new Env(this, this.options, request.destination, key, 'client');
    const tx = new NonInviteClientTransaction(key, request.bytes, env);
    env.tx = tx;
    this.#client.set(key, tx);
    tx.start();
    return tx;
  }

  /** Runs an INVITE client transaction reporting to `user`; `ackFor` builds the ACK for a non-2xx. */
  sendInvite(request: OutgoingRequest, user: InviteClientUser, ackFor: (response: SipResponse) => Buffer): InviteClientTransaction {
    const key = storedKey(clientTransactionKey(request.branch, 'INVITE'));
    const env = new Env(this, this.options, request.destination, key, 'client');
    const tx = new InviteClientTransaction(key, request.bytes, env, user, ackFor);
    env.tx = tx;
    this.#client.set(key, tx);
    tx.start();
    return tx;
  }

  /** Hands a response to its client transaction; false when none matches (a stray). */
  receiveResponse(response: SipResponse): boolean {
    const key = responseClientKey(response);
    const tx = key === null ? undefined : this.#client.get(key);
    if (tx === undefined) return false;
    tx.receiveResponse(response);
    return true;
  }

  /** Sends a response outside any transaction (2xx retransmissions); false when it could not even try. */
  sendResponse(data: Buffer, destination: Destination, onError?: () => void): boolean {
    this.options.counters.responsesOut++;
    countResponse(this.options.counters, data);
    return this.options.transport.send(data, destination, onError);
  }

  /** A transaction reached Terminated: drop it from its table (if it is still the one there). */
  forget(side: 'server' | 'client', key: string, tx: ServerTransaction | ClientTransaction): void {
    const table: Map<string, ServerTransaction | ClientTransaction> = side === 'server' ? this.#server : this.#client;
    if (table.get(key) === tx) table.delete(key);
  }

  /** Shutdown: every transaction terminated without telling its user. */
  dispose(): void {
    for (const tx of [...this.#client.values()]) tx.dispose();
    for (const tx of [...this.#server.values()]) tx.dispose();
    this.#client.clear();
    this.#server.clear();
  }
}
