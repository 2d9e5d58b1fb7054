/** An INVITE in flight (`SipTestClient.inviteNoWait`): provisional responses, the final one, CANCEL. */
import type { ClientCore, SipTestCall } from './call.js';
import type { SipMessage } from './message.js';
import { buildRequest } from './requests.js';
import { withTimeout } from './wait.js';

export interface StartedInvite {
  readonly call: SipTestCall;
  /** Resolves with the call once the final response is in (and a 2xx ACKed). */
  readonly settled: Promise<SipTestCall>;
}

/** An INVITE in flight, from `inviteNoWait`. */
export class PendingInvite {
  constructor(
    private readonly started: Promise<StartedInvite>,
    private readonly client: ClientCore,
  ) {
    started.catch(() => undefined);
  }

  /** The call object (status 0 until the final response). */
  async call(): Promise<SipTestCall> {
    return (await this.started).call;
  }

  /** Resolves with the first provisional response with `status` (any 1xx when omitted). */
  async provisional(status?: number, timeoutMs = this.client.timeoutMs): Promise<SipMessage> {
    const { call } = await this.started;
    const match = (r: SipMessage): boolean => (status === undefined ? r.status < 200 : r.status === status);
    return withTimeout(call.invite.waitFor(match), timeoutMs, `a ${status ?? '1xx'} to INVITE ${call.identity.requestUri}`);
  }

  /** Resolves with the call once the final response came (and a 2xx was ACKed). */
  async final(timeoutMs = this.client.timeoutMs): Promise<SipTestCall> {
    const { call, settled } = await this.started;
    return withTimeout(settled, timeoutMs, `the final response to INVITE ${call.identity.requestUri} (seen: ${call.responses.join(', ') || 'none'})`);
  }

  /**
   * Waits for a provisional response (CANCEL before one is not allowed, §9.1),
   * sends CANCEL and resolves with the CANCEL's and the INVITE's final statuses.
   * If a 2xx won the race, the call is ACKed and hung up.
   */
  async cancel(timeoutMs = this.client.timeoutMs): Promise<{ cancelStatus: number; inviteStatus: number }> {
    const { call } = await this.started;
    await this.provisional(undefined, timeoutMs);
    const { identity } = call;
    const branch = call.invite.branch; // CANCEL shares the INVITE's branch (§9.1)
    const text = buildRequest(this.client.local, {
      method: 'CANCEL',
      uri: identity.requestUri,
      callId: identity.callId,
      from: identity.from,
      to: identity.to,
      cseq: identity.cseq,
      branch,
    });
    const cancel = this.client.startTransaction(text, 'CANCEL', branch);
    const cancelResponse = await withTimeout(cancel.final, timeoutMs, `the final response to CANCEL ${identity.requestUri}`);
    const settled = await this.final(timeoutMs);
    if (settled.status >= 200 && settled.status < 300) await settled.hangup(timeoutMs);
    return { cancelStatus: cancelResponse.status, inviteStatus: settled.status };
  }
}
