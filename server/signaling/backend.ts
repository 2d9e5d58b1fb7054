/**
 * The signalling backend contract: what server/apps sees of SIP. The embedded
 * stack (server/sip) implements it today; a drachtio-srf backend can implement
 * the same calls later. Apps never touch SIP messages, only these objects.
 */
import type { HostPort } from '../../config/index.js';

export type SipTransportName = 'udp' | 'tcp' | 'ws';

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

export type DialogEndReason =
  | 'remote-bye'
  | 'local-bye'
  | 'ack-timeout'
  | 'transport-error'
  | 'shutdown'
  /** RFC 4028: no session refresh came in time, or ours was refused (408/481) or timed out. */
  | 'session-expired';

/** A DTMF key the far end sent in SIP INFO (RFC 4733 digits in RTP come from the media engine). */
export interface DtmfEvent {
  /** 0-9, *, #, A-D. */
  readonly digit: string;
  readonly durationMs: number;
  readonly source: 'info';
}

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
  /** DTMF received as SIP INFO (application/dtmf-relay or application/dtmf). */
  onDtmf(listener: (event: DtmfEvent) => void): void;
  /**
   * Sends a re-INVITE with our new offer (hold, resume, codec change) and
   * resolves with the far end's answer SDP. Rejects with a SipError carrying
   * the status (488, 491 after one retry, 408...); the dialog goes on unless
   * the far end says it is gone (481, 408), which ends it.
   */
  reoffer(sdp: string): Promise<string>;
  /** Sends one DTMF key as SIP INFO (application/dtmf-relay); resolves on 2xx, rejects with a SipError otherwise. */
  sendDtmf(digit: string, durationMs?: number): Promise<void>;
  /** Sends BYE (idempotent) and resolves when it is answered or times out. */
  hangup(): Promise<void>;
}

/** A contact bound to an address-of-record by REGISTER. */
export interface RegisteredContact {
  /** The user part the binding is filed under ("alice"). */
  readonly user: string;
  /** Contact URI as registered. */
  readonly uri: string;
  /** When the binding expires (ms since the epoch). */
  readonly expiresAt: number;
  /** Where the REGISTER came from: requests to this contact go there (NAT, and TCP/WS connection reuse). */
  readonly source: { readonly address: string; readonly port: number; readonly transport: SipTransportName };
  readonly userAgent: string | null;
}

/** Our offer, or a function building it once the local address toward the callee is known. */
export type OfferSource = string | ((localAddress: string) => Promise<string>);

export interface PlaceCallOptions {
  /** Request-URI, e.g. "sip:alice@192.0.2.10:5060" (ignored when `contact` is given: its URI is used). */
  readonly target?: string;
  /** A registered contact (from `locate()`): the INVITE goes to its URI over the flow it registered from. */
  readonly contact?: RegisteredContact;
  readonly offer: OfferSource;
  /** From: user and display name (defaults: "voxbridge", none). */
  readonly fromUser?: string;
  readonly fromDisplayName?: string;
  /** Extra request headers (name → value). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Cancel when no final response came within this (default: config sip.ringTimeoutSeconds). */
  readonly ringTimeoutMs?: number;
}

export interface AnsweredOutgoingCall {
  readonly dialog: Dialog;
  /** The SDP answer of the 2xx (null if the far end sent none). */
  readonly answer: string | null;
}

/** A call we placed (UAC): provisional responses, then answered or failed. */
export interface OutgoingCall {
  readonly callId: string;
  /** 180/183 (and other 1xx but 100), with their SDP when they carry one (early media). */
  onProgress(listener: (status: number, sdp: string | null) => void): void;
  /**
   * Resolves once a 2xx arrived (the ACK is sent). Rejects with a SipError:
   * the final status (486, 603, 404...), 487 when we cancelled, 408 on ring
   * timeout or when nothing answered at all, 503 on a transport failure.
   */
  readonly answered: Promise<AnsweredOutgoingCall>;
  /** Sends CANCEL (once a provisional response came, as RFC 3261 §9.1 asks). Idempotent. */
  cancel(): void;
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
  /** Places a call (the server as UAC): dial-out, bridging to a registered user. */
  placeCall(options: PlaceCallOptions): OutgoingCall;
  /** Live registered contacts of a user (REGISTER bindings), most recent first; empty when none. */
  locate(user: string): readonly RegisteredContact[];
  counters(): SignalingCounters;
  /** Ends every dialog with BYE, closes listeners. Idempotent. */
  close(): Promise<void>;
}
