/**
 * Answers for messages the parser refused (RFC 3261 §21.4.1, §8.2.2): 400
 * (or 505/513) with a Warning naming the fault when enough headers survived
 * to build a response, otherwise dropped. Both are counted and go to the
 * reject log. The broken message's Via is not trusted: the answer goes
 * straight back to the source.
 */
import type { SipCounters } from './counters.js';
import { newTag } from './ids.js';
import type { HeaderField } from './message.js';
import type { RejectLog } from './reject-log.js';
import { buildResponse, warningField } from './response-builder.js';
import { sourceDestination, type Destination, type Flow } from './transport.js';

export interface MalformedDeps {
  readonly counters: SipCounters;
  readonly rejects: RejectLog;
  readonly userAgent: string;
  warningHost(flow: Flow): string;
  sendResponse(data: Buffer, destination: Destination): boolean;
}

export function answerMalformed(deps: MalformedDeps, headers: readonly HeaderField[] | null, status: number, reason: string, flow: Flow, code: string): void {
  const source = `${flow.transport}:${flow.remoteAddress}:${flow.remotePort}`;
  if (headers === null) {
    deps.counters.droppedMalformed++;
    deps.rejects.record('dropped', { source, detail: `${code}: ${reason}` });
    return;
  }
  deps.counters.rejectedMalformed++;
  const response = buildResponse(headers, status, {
    server: deps.userAgent,
    toTag: newTag(),
    headers: [warningField(deps.warningHost(flow), reason)],
  });
  deps.sendResponse(response, sourceDestination(flow));
  deps.rejects.record('malformed', { status, source, detail: `${code}: ${reason}` });
}
