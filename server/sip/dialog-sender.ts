/**
 * Sends our requests inside a dialog (RFC 3261 §12.2.1): the local CSeq,
 * Request-URI and Route from the remote target and route set, the
 * destination (the dialog's live connection, else the next hop's URI), and
 * for INVITE the ACK of each 2xx (§13.2.2.4). Early dialogs use it too
 * (PRACK to a reliable provisional).
 */
import type { SipTransportName } from '../signaling/backend.js';
import { localContact } from './capabilities.js';
import type { HeaderField, SipResponse } from './message.js';
import { buildInDialogRequest, destinationFor, routeRequest, type InDialogRequest } from './request-builder.js';
import type { StackContext } from './stack-context.js';
import type { ClientOutcome } from './transactions/non-invite-client-transaction.js';
import type { Destination, Flow } from './transport.js';

export interface DialogAddressing {
  readonly callId: string;
  /** Our From header value (with our tag). */
  readonly from: string;
  /** Their To header value (with their tag). */
  readonly to: string;
  /** Record-Route set in the order requests use it. */
  readonly routeSet: readonly string[];
  /** The flow the dialog was set up on: its transport and live connection are reused. */
  readonly flow: Flow;
  readonly localAddress: string;
}

export interface SendOptions {
  readonly headers?: readonly HeaderField[];
  readonly body?: string | null;
  /** Target refresh requests (INVITE, UPDATE) carry our Contact. */
  readonly contact?: boolean;
}

export type InviteOutcome =
  | { readonly kind: 'response'; readonly response: SipResponse }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'transport-error' }
  | { readonly kind: 'unroutable' };

export class DialogSender {
  #localSeq: number;
  #remoteTarget: string;

  constructor(
    private readonly ctx: StackContext,
    private readonly addressing: DialogAddressing,
    remoteTarget: string,
    localSeq: number,
  ) {
    this.#remoteTarget = remoteTarget;
    this.#localSeq = localSeq;
  }

  get remoteTarget(): string {
    return this.#remoteTarget;
  }

  set remoteTarget(uri: string) {
    this.#remoteTarget = uri;
  }

  /** The last CSeq number we used in this dialog. */
  get localSeq(): number {
    return this.#localSeq;
  }

  get transport(): SipTransportName {
    return this.addressing.flow.transport;
  }

  /** Our Contact header field for this dialog's transport. */
  contact(): HeaderField {
    const transport = this.addressing.flow.transport;
    return localContact(transport, this.addressing.localAddress, this.ctx.listenPort(transport));
  }

  /** A non-INVITE request (BYE, UPDATE, INFO, PRACK); settles with its final response or why there is none. */
  async request(method: string, options: SendOptions = {}): Promise<ClientOutcome | { kind: 'unroutable' }> {
    const built = this.#build(method, ++this.#localSeq, options);
    if (built === null) return { kind: 'unroutable' };
    return this.ctx.sendRequest({ bytes: built.bytes, branch: built.branch, method, destination: built.destination }).outcome;
  }

  /**
   * A re-INVITE. Provisional responses are ignored; every 2xx is ACKed (the
   * ACK goes to the 2xx's Contact as the new remote target); the first final
   * response settles the promise.
   */
  invite(options: SendOptions): Promise<InviteOutcome> {
    const seq = ++this.#localSeq;
    const built = this.#build('INVITE', seq, { ...options, contact: true });
    if (built === null) return Promise.resolve({ kind: 'unroutable' });
    return new Promise((resolve) => {
      let settled = false;
      const settle = (outcome: InviteOutcome): void => {
        if (settled) return;
        settled = true;
        resolve(outcome);
      };
      this.ctx.sendInvite(
        { bytes: built.bytes, branch: built.branch, method: 'INVITE', destination: built.destination },
        {
          onProvisional: () => undefined,
          onFinal: (response) => {
            if (response.status < 300) this.#ack2xx(seq, response);
            settle({ kind: 'response', response });
          },
          onFailure: (kind) => settle({ kind }),
        },
        (response) => this.#ackNon2xx(seq, built.branch, built.destination.transport, response),
      );
    });
  }

  /** §13.2.2.4: the ACK for a 2xx to the INVITE with CSeq `seq`, sent outside any transaction. */
  ack(seq: number, body: string | null = null): void {
    const built = this.#build('ACK', seq, body === null ? {} : { body, headers: [{ name: 'content-type', value: 'application/sdp' }] });
    if (built !== null) this.ctx.sendStateless(built.bytes, built.destination);
  }

  #ack2xx(seq: number, response: SipResponse): void {
    // §12.2.1.2: a 2xx to a target refresh request replaces the remote target with its Contact.
    const contact = response.contacts[0];
    if (contact !== undefined && contact.uri !== '*') this.#remoteTarget = contact.uri;
    this.ack(seq);
  }

  /** §17.1.1.3: the ACK for a non-2xx shares the INVITE's branch, Request-URI and Route set. */
  #ackNon2xx(seq: number, branch: string, transport: SipTransportName, response: SipResponse): Buffer {
    const spec = this.#spec('ACK', seq, {});
    return buildInDialogRequest({ ...spec, branch, transport, localPort: this.ctx.listenPort(transport), to: toHeader(response, this.addressing.to) }).bytes;
  }

  #spec(method: string, seq: number, options: SendOptions): InDialogRequest {
    const routing = routeRequest(this.#remoteTarget, this.addressing.routeSet);
    const transport = this.addressing.flow.transport;
    return {
      method,
      routing,
      callId: this.addressing.callId,
      from: this.addressing.from,
      to: this.addressing.to,
      cseq: seq,
      transport,
      localAddress: this.addressing.localAddress,
      localPort: this.ctx.listenPort(transport),
      userAgent: this.ctx.userAgent,
      contact: options.contact === true ? this.contact().value : undefined,
      headers: options.headers,
      body: options.body ?? null,
    };
  }

  #build(method: string, seq: number, options: SendOptions): { bytes: Buffer; branch: string; destination: Destination } | null {
    const spec = this.#spec(method, seq, options);
    const destination = destinationFor(spec.routing.nextHop, this.addressing.flow);
    if (destination === null) {
      this.ctx.logger.warn({ callId: this.addressing.callId, method, target: spec.routing.nextHop }, 'cannot route an in-dialog request');
      return null;
    }
    const { bytes, branch } = buildInDialogRequest({ ...spec, transport: destination.transport, localPort: this.ctx.listenPort(destination.transport) });
    return { bytes, branch, destination };
  }
}

/** The To of the response (it carries the tag), as written. */
function toHeader(response: SipResponse, fallback: string): string {
  for (const field of response.headers) if (field.name === 'to') return field.value;
  return fallback;
}
