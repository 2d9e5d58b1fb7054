/**
 * The late-offer path (RFC 3264 §5, §7): an INVITE without SDP gets our offer
 * in the 200 OK and the answer comes back in the ACK.
 */
import { telephoneEvent, type CodecDescriptor } from '../../codecs/index.js';
import type { LegParams, LocalMedia, SrtpParams } from '../../media/protocol.js';
import { chooseCrypto, cryptoAttribute, isSdesProfile, newMasterKey, SAVP, srtpParams, SUPPORTED_SUITES } from './crypto.js';
import { audioAttributes, lineFormat, type AudioLineFormat } from './audio-attributes.js';
import { RTP_AVP } from './choose-audio.js';
import { malformed, SdpError } from './errors.js';
import { audioCodecFor, eventFormatFor, formatLabel, parseFmtp, preferredCodecs } from './formats.js';
import { fmtpText, localFmtp, negotiateFmtp } from './fmtp.js';
import type { SdpFormat, SdpMediaSection } from './model.js';
import { toLegParams } from './leg-params.js';
import { parseSdp } from './parse-sdp.js';
import type { SdpPolicy } from './policy.js';
import { choosePtime, remoteSide } from './remote-media.js';
import type { SdpSession } from './session.js';
import { writeSdp } from './writer.js';

const DYNAMIC_FIRST = 96;
const DYNAMIC_LAST = 127;

/**
 * Offers every configured codec in preference order (static payload types
 * where they have one), telephone-event once per audio clock rate, the
 * configured ptime, sendrecv.
 */
export function createOffer(local: LocalMedia, policy: SdpPolicy, session: SdpSession): string {
  const codecs = preferredCodecs(policy.codecs);
  const first = codecs[0];
  if (first === undefined) throw new SdpError('ERR_SDP_NO_COMMON_CODEC', 'no audio codec configured to offer');
  const used = new Set<number>();
  const formats: AudioLineFormat[] = codecs.map((codec) =>
    lineFormat(codec, claimPayloadType(codec, used), codec.clockRate, fmtpText(localFmtp(codec, policy))),
  );
  for (const clockRate of new Set(codecs.map((c) => c.clockRate))) {
    formats.push(lineFormat(telephoneEvent, claimPayloadType(telephoneEvent, used), clockRate));
  }
  const wanted = policy.ptimeDefault ?? 20;
  const ptime = first.ptimes.includes(wanted) ? wanted : (first.ptimes[0] ?? 20);
  const attributes = audioAttributes({ formats, ptime, direction: 'sendrecv', rtcpMux: false, rtcpPort: local.rtcpPort });
  // With SRTP mandatory we offer RTP/SAVP, one a=crypto (with its own key) per suite we support.
  const secure = policy.srtp === 'mandatory';
  if (secure) SUPPORTED_SUITES.forEach((suite, i) => attributes.push(cryptoAttribute(i + 1, suite, newMasterKey())));
  const pts = formats.map((f) => String(f.payloadType));
  return writeSdp(session, local, [{ type: 'audio', port: local.rtpPort, protocol: secure ? SAVP : RTP_AVP, formats: pts, attributes }]);
}

/**
 * Reads the answer (from the ACK) to `offerSdp`, the offer we sent. We send
 * with the answerer's first listed codec that we offered, using the payload
 * types of the answer.
 */
export function acceptAnswer(answerSdp: string, offerSdp: string): LegParams {
  const offer = parseSdp(offerSdp);
  const answer = parseSdp(answerSdp);
  if (answer.media.length !== offer.media.length) {
    throw malformed(`the answer has ${answer.media.length} m-lines, the offer had ${offer.media.length}`);
  }
  const index = offer.media.findIndex((m) => m.type === 'audio' && m.port !== 0);
  const offered = offer.media[index];
  const section = answer.media[index];
  if (!offered || !section || section.type !== 'audio' || section.port === 0) {
    throw new SdpError('ERR_SDP_NO_AUDIO', 'the answer refused the audio stream');
  }
  if (section.protocol.toUpperCase() !== offered.protocol.toUpperCase()) {
    throw new SdpError('ERR_SDP_UNSUPPORTED', `the answer changed the transport from ${offered.protocol} to ${section.protocol}`);
  }
  const picked = firstOffered(section, offered);
  if (!picked) {
    const answered = section.formats.map(formatLabel).join(', ') || 'nothing';
    const ours = offered.formats.map(formatLabel).join(', ');
    throw new SdpError('ERR_SDP_NO_COMMON_CODEC', `no common codec: answered ${answered}; we offered ${ours}`);
  }
  const { codec, format } = picked;
  const ours = offered.formats.find((f) => audioCodecFor(f) === codec);
  const fmtp = negotiateFmtp(codec, parseFmtp(ours?.fmtp ?? null), format.fmtp === null ? null : parseFmtp(format.fmtp));
  const offeredEvent = eventFormatFor(offered.formats, codec.clockRate);
  const event = offeredEvent ? (eventFormatFor(section.formats, codec.clockRate) ?? null) : null;
  const side = remoteSide(section, offered.rtcpMux);
  const ptime = choosePtime(codec, section, offered.ptime ?? undefined);
  const srtp = isSdesProfile(offered.protocol) ? answeredKeys(section, offered) : null;
  return toLegParams({ side, codec, payloadType: format.payloadType, sendFmtp: fmtp.send, event, ptime, srtp });
}

/** The SDES keys of an answer to our RTP/SAVP offer: its a=crypto must name one of our tags and suites. */
function answeredKeys(section: SdpMediaSection, offered: SdpMediaSection): SrtpParams {
  const chosen = chooseCrypto(section);
  if (typeof chosen === 'string') throw new SdpError('ERR_SDP_SRTP_NOT_SUPPORTED', `unusable SRTP answer: ${chosen}`);
  const ours = offered.crypto.find((c) => c.tag === chosen.tag && c.suite === chosen.suite);
  const localKey = ours?.keyParams.replace(/^inline:/, '').split('|')[0];
  if (localKey === undefined || localKey === '') {
    throw new SdpError('ERR_SDP_SRTP_NOT_SUPPORTED', `the answer's a=crypto tag ${chosen.tag} does not match our offer`);
  }
  return srtpParams(chosen.suite, localKey, chosen.remoteKey);
}

function firstOffered(section: SdpMediaSection, offered: SdpMediaSection): { codec: CodecDescriptor; format: SdpFormat } | null {
  for (const format of section.formats) {
    const codec = audioCodecFor(format);
    if (codec && offered.formats.some((f) => audioCodecFor(f) === codec)) return { codec, format };
  }
  return null;
}

/** The codec's static payload type, else its default, else the first free dynamic one. */
function claimPayloadType(codec: CodecDescriptor, used: Set<number>): number {
  const wanted = codec.staticPayloadType ?? codec.defaultPayloadType;
  let pt = wanted;
  if (used.has(pt)) {
    pt = DYNAMIC_FIRST;
    while (used.has(pt) && pt < DYNAMIC_LAST) pt++;
  }
  used.add(pt);
  return pt;
}
