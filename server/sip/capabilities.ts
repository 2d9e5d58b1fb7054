/** What this UAS advertises and accepts (Allow, Accept, Supported...). */
import type { SipTransportName } from '../signaling/backend.js';
import type { HeaderField } from './message.js';
import { bracketHost } from './uri.js';

export const ALLOW = 'INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, UPDATE';
export const ACCEPT = 'application/sdp';
export const ACCEPT_ENCODING = 'identity';
export const ACCEPT_LANGUAGE = 'en';
/** Option tags we implement: none yet (no 100rel, no session timers), so any Require gets 420. */
export const SUPPORTED_OPTION_TAGS: ReadonlySet<string> = new Set<string>();
export const SUPPORTED = [...SUPPORTED_OPTION_TAGS].join(', ');

export const ALLOW_FIELD: HeaderField = { name: 'allow', value: ALLOW };
export const SUPPORTED_FIELD: HeaderField = { name: 'supported', value: SUPPORTED };
export const SDP_CONTENT_TYPE: HeaderField = { name: 'content-type', value: 'application/sdp' };

/** Our Contact for a flow: `<sip:10.0.0.1:5060>`, with `;transport=tcp` on TCP. */
export function localContact(transport: SipTransportName, address: string, port: number): HeaderField {
  const suffix = transport === 'udp' ? '' : `;transport=${transport}`;
  return { name: 'contact', value: `<sip:${bracketHost(address)}:${port}${suffix}>` };
}
