/** What this user agent advertises and accepts (Allow, Accept, Supported...). */
import type { SipTransportName } from '../signaling/backend.js';
import type { HeaderField, SipMessage } from './message.js';
import { headerValues } from './message.js';
import { bracketHost } from './uri.js';

export const ALLOW = 'INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, UPDATE, PRACK, REGISTER';
/** Bodies of INVITE/UPDATE/ACK: SDP only. */
export const ACCEPT = 'application/sdp';
/** What OPTIONS advertises: SDP plus the INFO DTMF formats. */
export const ACCEPT_ALL = 'application/sdp, application/dtmf-relay, application/dtmf';
export const ACCEPT_ENCODING = 'identity';
export const ACCEPT_LANGUAGE = 'en';
/** Option tags we implement: RFC 4028 session timers and RFC 3262 reliable provisionals. */
export const SUPPORTED_OPTION_TAGS: ReadonlySet<string> = new Set<string>(['timer', '100rel']);
export const SUPPORTED = [...SUPPORTED_OPTION_TAGS].join(', ');

export const ALLOW_FIELD: HeaderField = { name: 'allow', value: ALLOW };
export const SUPPORTED_FIELD: HeaderField = { name: 'supported', value: SUPPORTED };
export const SDP_CONTENT_TYPE: HeaderField = { name: 'content-type', value: 'application/sdp' };

const TRANSPORT_PARAM: Readonly<Record<SipTransportName, string>> = { udp: '', tcp: ';transport=tcp', ws: ';transport=ws' };

/** Our Contact for a flow: `<sip:10.0.0.1:5060>`, with `;transport=tcp` or `;transport=ws` when not UDP. */
export function localContact(transport: SipTransportName, address: string, port: number): HeaderField {
  return { name: 'contact', value: `<sip:${bracketHost(address)}:${port}${TRANSPORT_PARAM[transport]}>` };
}

/** Methods a peer lists in Allow (upper-case), or null when it sent no Allow. */
export function allowedMethods(message: SipMessage): ReadonlySet<string> | null {
  const values = headerValues(message.headers, 'allow');
  if (values.length === 0) return null;
  const methods = new Set<string>();
  for (const value of values) {
    for (const method of value.split(',')) {
      const trimmed = method.trim().toUpperCase();
      if (trimmed.length > 0) methods.add(trimmed);
    }
  }
  return methods;
}
