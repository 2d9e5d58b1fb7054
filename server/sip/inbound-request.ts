/**
 * A received request together with where it came from, its server
 * transaction and where its responses go. Handlers answer through it.
 */
import { newTag } from './ids.js';
import type { HeaderField, SipRequest } from './message.js';
import { buildResponse } from './response-builder.js';
import type { InviteServerTransaction } from './transactions/invite-server-transaction.js';
import type { NonInviteServerTransaction } from './transactions/non-invite-server-transaction.js';
import type { Destination, Flow } from './transport.js';

export type ServerTransaction = InviteServerTransaction | NonInviteServerTransaction;

export interface RespondOptions {
  readonly reason?: string | null;
  readonly headers?: readonly HeaderField[];
  readonly body?: string | Buffer | null;
  readonly copyRecordRoute?: boolean;
  /** A To tag other than this request's own (the 200 to a CANCEL reuses its INVITE's, RFC 3261 §9.2). */
  readonly toTag?: string;
}

export class InboundRequest {
  #toTag: string | null = null;

  constructor(
    readonly request: SipRequest,
    readonly flow: Flow,
    /** Null for ACK, which has no server transaction of its own. */
    readonly tx: ServerTransaction | null,
    /** Where responses go (RFC 3261 §18.2.2 / RFC 3581). */
    readonly destination: Destination,
    private readonly userAgent: string,
  ) {}

  /** The To tag of our responses: the request's own for in-dialog requests, else one we pick once. */
  get toTag(): string {
    return this.request.to.tag ?? (this.#toTag ??= newTag());
  }

  build(status: number, options: RespondOptions = {}): Buffer {
    return buildResponse(this.request.headers, status, {
      server: this.userAgent,
      toTag: options.toTag ?? this.toTag,
      reason: options.reason ?? null,
      headers: options.headers ?? [],
      body: options.body ?? null,
      copyRecordRoute: options.copyRecordRoute ?? false,
    });
  }

  /** Sends a response through the server transaction (which retransmits/absorbs as the RFC says). */
  respond(status: number, options: RespondOptions = {}): void {
    if (this.tx === null || this.tx.finished) return;
    this.tx.respond(status, this.build(status, options));
  }
}
