/**
 * Answers a remote offer (RFC 3264 §6): one audio stream with the server's
 * preferred common codec (plus telephone-event when offered), every other
 * m-line refused with port 0 in the same place.
 */
import type { LegParams, LocalMedia } from '../../media/protocol.js';
import { telephoneEvent } from '../../codecs/index.js';
import { audioAttributes, lineFormat, type AudioLineFormat } from './audio-attributes.js';
import { chooseAudio } from './choose-audio.js';
import { cryptoAttribute, newMasterKey, srtpParams } from './crypto.js';
import { parseFmtp } from './formats.js';
import { fmtpText, localFmtp, negotiateFmtp } from './fmtp.js';
import type { SdpMediaSection } from './model.js';
import { parseSdp } from './parse-sdp.js';
import type { SdpPolicy } from './policy.js';
import { choosePtime, remoteSide } from './remote-media.js';
import type { SdpSession } from './session.js';
import { toLegParams } from './leg-params.js';
import { writeSdp, type OutgoingMedia } from './writer.js';

export interface OfferAnswer {
  readonly answerSdp: string;
  readonly params: LegParams;
}

/** Throws SdpError (400 malformed, 488 nothing acceptable) with a human reason. */
export function answerOffer(offerSdp: string, local: LocalMedia, policy: SdpPolicy, session: SdpSession): OfferAnswer {
  const offer = parseSdp(offerSdp);
  const choice = chooseAudio(offer.media, policy.codecs, policy.srtp);
  const { section, codec, format, event } = choice;
  const side = remoteSide(section, true);
  const ptime = choosePtime(codec, section, policy.ptimeDefault);

  // Payload types mirror the offer's; telephone-event keeps the offer's fmtp verbatim.
  const fmtp = negotiateFmtp(codec, localFmtp(codec, policy), format.fmtp === null ? null : parseFmtp(format.fmtp));
  const formats: AudioLineFormat[] = [lineFormat(codec, format.payloadType, codec.clockRate, fmtpText(fmtp.local))];
  if (event) formats.push(lineFormat(telephoneEvent, event.payloadType, event.clockRate, event.fmtp));

  // SDES: our own key for what we send, under the tag of the line we accepted (RFC 4568 §7.1.2).
  const localKey = choice.crypto === null ? null : newMasterKey();
  const cryptoLine = choice.crypto === null || localKey === null ? [] : [cryptoAttribute(choice.crypto.tag, choice.crypto.suite, localKey)];
  const media = offer.media.map((m, i): OutgoingMedia => {
    if (i !== choice.index) return rejected(m);
    return {
      type: 'audio',
      port: local.rtpPort,
      protocol: section.protocol,
      formats: formats.map((f) => String(f.payloadType)),
      attributes: [
        ...audioAttributes({ formats, ptime, direction: side.direction, rtcpMux: side.rtcpMux, rtcpPort: local.rtcpPort }),
        ...cryptoLine,
      ],
    };
  });

  const srtp = choice.crypto === null || localKey === null ? null : srtpParams(choice.crypto.suite, localKey, choice.crypto.remoteKey);
  const params = toLegParams({ side, codec, payloadType: format.payloadType, sendFmtp: fmtp.send, event, ptime, srtp });
  return { answerSdp: writeSdp(session, local, media), params };
}

/** RFC 3264 §6: a refused stream keeps its type, protocol and formats, with port 0. */
export function rejected(m: SdpMediaSection): OutgoingMedia {
  return { type: m.type, port: 0, protocol: m.protocol, formats: m.rawFormats, attributes: [] };
}
