/**
 * SDP for the test client: offers (and late-offer answers) built as text, the
 * far end's SDP read with sdp-transform. Only what the client needs: one
 * audio stream, static and dynamic payload types, telephone-event, ptime.
 */
import { parse } from 'sdp-transform';

/** Codecs the client can name in an offer; unknown names get a dynamic payload type at 8 kHz. */
const STATIC_PAYLOAD_TYPES: Readonly<Record<string, { pt: number; rtpmap: string }>> = {
  PCMU: { pt: 0, rtpmap: 'PCMU/8000' },
  GSM: { pt: 3, rtpmap: 'GSM/8000' },
  PCMA: { pt: 8, rtpmap: 'PCMA/8000' },
  G722: { pt: 9, rtpmap: 'G722/8000' },
  G729: { pt: 18, rtpmap: 'G729/8000' },
};

const FIRST_DYNAMIC_PT = 96;
export const TELEPHONE_EVENT_PT = 101;

export interface OfferOptions {
  /** Codec names, most preferred first, e.g. ['PCMU', 'PCMA'] or ['opus/48000/2']. */
  readonly codecs: readonly string[];
  readonly ptime?: number;
  /** Offer RFC 4733 telephone-event/8000 (payload type 101). */
  readonly telephoneEvent?: boolean;
  readonly direction?: 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';
}

/** Where our RTP socket is (the same shape as the transport's Endpoint). */
export interface MediaAddress {
  readonly host: string;
  readonly port: number;
}

/** Builds an audio offer (or answer) for RTP at `media`. */
export function buildSdp(media: MediaAddress, options: OfferOptions, sessionId = Date.now() % 1e9): string {
  const formats: number[] = [];
  const attributes: string[] = [];
  let nextDynamic = FIRST_DYNAMIC_PT;
  for (const name of options.codecs) {
    const known = STATIC_PAYLOAD_TYPES[name.toUpperCase()];
    const pt = known?.pt ?? nextDynamic++;
    formats.push(pt);
    attributes.push(`a=rtpmap:${pt} ${known?.rtpmap ?? (name.includes('/') ? name : `${name}/8000`)}`);
  }
  if (options.telephoneEvent) {
    formats.push(TELEPHONE_EVENT_PT);
    attributes.push(`a=rtpmap:${TELEPHONE_EVENT_PT} telephone-event/8000`, `a=fmtp:${TELEPHONE_EVENT_PT} 0-16`);
  }
  if (options.ptime !== undefined) attributes.push(`a=ptime:${options.ptime}`);
  attributes.push(`a=${options.direction ?? 'sendrecv'}`);
  return [
    'v=0',
    `o=voxbridge-test ${sessionId} 1 IN IP4 ${media.host}`,
    's=voxbridge test client',
    `c=IN IP4 ${media.host}`,
    't=0 0',
    `m=audio ${media.port} RTP/AVP ${formats.join(' ')}`,
    ...attributes,
    '',
  ].join('\r\n');
}

export interface RemoteMedia {
  readonly address: string;
  readonly port: number;
  /** The first audio payload type of the m= line (the chosen codec, in an answer). */
  readonly payloadType: number;
  /** Encoding name of that payload type, upper case ('PCMU'). */
  readonly codec: string;
  readonly clockRate: number;
  readonly ptime: number | null;
  readonly telephoneEventPayloadType: number | null;
  readonly direction: string;
  /** Every payload type of the m= line with its upper-case encoding name and clock rate. */
  readonly formats: ReadonlyMap<number, { readonly name: string; readonly clockRate: number }>;
}

const STATIC_NAMES: Readonly<Record<number, string>> = Object.fromEntries(
  Object.entries(STATIC_PAYLOAD_TYPES).map(([name, { pt }]) => [pt, name]),
);

/** Reads the first audio stream of an SDP body; null when there is none or it is unreadable. */
export function parseRemoteMedia(sdp: string): RemoteMedia | null {
  let session: ReturnType<typeof parse>;
  try {
    session = parse(sdp);
  } catch {
    return null;
  }
  const audio = session.media.find((m) => m.type === 'audio');
  if (!audio) return null;
  const address = audio.connection?.ip ?? session.connection?.ip;
  if (address === undefined) return null;
  const payloadTypes = String(audio.payloads ?? '')
    .split(/\s+/)
    .filter((p) => p.length > 0)
    .map(Number);
  const formats = new Map<number, { name: string; clockRate: number }>();
  for (const pt of payloadTypes) {
    const rtp = audio.rtp.find((r) => r.payload === pt);
    formats.set(pt, { name: (rtp?.codec ?? STATIC_NAMES[pt] ?? `PT${pt}`).toUpperCase(), clockRate: rtp?.rate ?? 8000 });
  }
  const isEvent = (pt: number): boolean => formats.get(pt)?.name === 'TELEPHONE-EVENT';
  const first = payloadTypes.find((pt) => !isEvent(pt)) ?? payloadTypes[0] ?? -1;
  return {
    address,
    port: audio.port,
    payloadType: first,
    codec: formats.get(first)?.name ?? '',
    clockRate: formats.get(first)?.clockRate ?? 8000,
    ptime: audio.ptime ?? null,
    telephoneEventPayloadType: payloadTypes.find(isEvent) ?? null,
    direction: audio.direction ?? session.direction ?? 'sendrecv',
    formats,
  };
}

/**
 * The answer to a late offer (an offer that came in a 200 OK): the first
 * format of the offer, in the offer's order, whose name is in `codecs`, with
 * the offer's own payload type. Null when nothing matches.
 */
export function answerLateOffer(offer: RemoteMedia, media: MediaAddress, codecs: readonly string[]): string | null {
  const wanted = codecs.map((c) => c.toUpperCase());
  const chosen = [...offer.formats].find(([, format]) => wanted.includes(format.name));
  if (!chosen) return null;
  const [pt, { name, clockRate }] = chosen;
  const lines = [
    'v=0',
    `o=voxbridge-test ${Date.now() % 1e9} 1 IN IP4 ${media.host}`,
    's=voxbridge test client',
    `c=IN IP4 ${media.host}`,
    't=0 0',
    `m=audio ${media.port} RTP/AVP ${pt}`,
    `a=rtpmap:${pt} ${name}/${clockRate}`,
    'a=sendrecv',
    '',
  ];
  return lines.join('\r\n');
}
