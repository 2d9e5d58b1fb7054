/**
 * The signalling backend contract: what server/apps sees of SIP. The embedded
 * stack (server/sip) implements it today; a drachtio-srf backend can implement
 * the same calls later. Apps never touch SIP messages, only these objects.
 */
import type { HostPort } from '../../config/index.js';

export type SipTransportName = 'udp' | 'tcp';

export interface NameAddr {
  /** The URI as written, e.g. "sip:alice@10.0.0.1:5060". */
  readonly uri: string;
  /** User part of the URI, or null. */
  readonly user: string | null;
  readonly displayName: string | null;
}

/** A new INVITE that is not a retransmission and not part of an existing dialog. */
export interface IncomingCall {
  readonly callId: string;
  readonly requestUri: string;
  /** User part of the Request-URI ("echo", "conf-sales"); routing keys on it. */
  readonly target: string | null;
  readonly from: NameAddr;
  readonly to: NameAddr;
  /** The SDP offer, or null for a late-offer INVITE (the offer then goes in our 200 OK). */
  readonly offer: string | null;
  /** Where the request came from (after rport/received processing). */
  readonly source: { readonly address: string; readonly port: number; readonly transport: SipTransportName };
  /** Local address the request arrived on; used for SDP when no external address is configured. */
  readonly localAddress: string;
  /** True once the caller cancelled; the stack has already answered CANCEL 200 and INVITE 487. */
  readonly cancelled: boolean;
  /** Header value by (case-insensitive, compact-form aware) name; first value if repeated. */
  header(name: string): string | undefined;
  /** Sends 180/183 (100 Trying is sent by the stack on its own). */
  progress(status: 180 | 183, sdp?: string): void;
  /**
   * Sends 200 OK with `sdp` and resolves once the ACK arrives, with the ACK's
   * SDP when the INVITE had none. The 200 is retransmitted until then (Timer G);
   * with no ACK within 64*T1 the promise rejects and the stack sends BYE.
   */
  answer(sdp: string): Promise<AnsweredCall>;
  /** Sends a final non-2xx response; `warning` goes into a Warning header (e.g. the 488 reason). */
  reject(status: number, options?: { reason?: string; warning?: string; headers?: Readonly<Record<string, string>> }): void;
  /** Called once if the caller cancels before a final response. */
  onCancel(listener: () => void): void;
}

export interface AnsweredCall {
  readonly dialog: Dialog;
  /** SDP carried by the ACK (the answer to our late offer), or null. */
  readonly ackSdp: string | null;
}

export type DialogEndReason = 'remote-bye' | 'local-bye' | 'ack-timeout' | 'transport-error' | 'shutdown';

/** A confirmed dialog (RFC 3261 §12) as the app sees it. */
export interface Dialog {
  readonly callId: string;
  readonly ended: boolean;
  /**
   * Handles an in-dialog re-INVITE/UPDATE offer; the handler returns our
   * answer SDP, or throws a SipError (e.g. 488) to refuse it. Without a
   * handler the stack answers re-INVITEs with the current local SDP.
   */
  onOffer(handler: (offer: string | null) => Promise<string>): void;
  /** Called once when the dialog ends for any reason. */
  onEnded(listener: (reason: DialogEndReason) => void): void;
  /** Sends BYE (idempotent) and resolves when it is answered or times out. */
  hangup(): Promise<void>;
}

export interface SignalingCounters {
  readonly requestsIn: number;
  readonly responsesOut: number;
  /** Messages answered 400 because they were malformed. */
  readonly rejectedMalformed: number;
  /** Datagrams/streams dropped because no response was possible. */
  readonly droppedMalformed: number;
  readonly retransmissionsAbsorbed: number;
}

export interface SignalingBackend {
  /** Opens the configured listeners and resolves with their bound addresses (port 0 becomes the real port). */
  start(): Promise<Readonly<Partial<Record<SipTransportName, HostPort>>>>;
  /** Registers the single INVITE handler (the router). */
  onInvite(handler: (call: IncomingCall) => void): void;
  counters(): SignalingCounters;
  /** Ends every dialog with BYE, closes listeners. Idempotent. */
  close(): Promise<void>;
}
