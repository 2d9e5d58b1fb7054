import t from 'tap';
import { answerOffer, createSession, SdpError } from '../../../server/sdp/index.js';
import { fixture, LOCAL_V4, POLICY } from '../../fixtures/sdp/load.js';

const cases = [
  {
    name: 'reject-unknown-codecs',
    code: 'ERR_SDP_NO_COMMON_CODEC',
    status: 488,
    message: 'no common codec: offered G729, GSM, opus, PCMU/16000; we accept PCMU, PCMA',
  },
  {
    name: 'reject-savp',
    code: 'ERR_SDP_SRTP_NOT_SUPPORTED',
    status: 488,
    message: 'unusable SRTP offer: a=crypto with an MKI is not supported',
  },
  {
    name: 'reject-webrtc',
    code: 'ERR_SDP_SRTP_NOT_SUPPORTED',
    status: 488,
    message: 'DTLS-SRTP not supported: offered UDP/TLS/RTP/SAVPF; we accept RTP/AVP and RTP/SAVP (SDES)',
  },
  { name: 'reject-avpf', code: 'ERR_SDP_UNSUPPORTED', status: 488, message: 'unsupported transport RTP/AVPF; we accept RTP/AVP and RTP/SAVP' },
  { name: 'reject-video-only', code: 'ERR_SDP_NO_AUDIO', status: 488, message: 'no audio stream offered' },
  { name: 'reject-audio-disabled', code: 'ERR_SDP_NO_AUDIO', status: 488, message: 'every audio stream is disabled (port 0)' },
  {
    name: 'reject-garbage',
    code: 'ERR_SDP_MALFORMED',
    status: 400,
    message: 'malformed SDP: line "INVITE sip:echo@127.0.0.1 SIP/2.0" is not <type>=<value>',
  },
  { name: 'reject-truncated', code: 'ERR_SDP_MALFORMED', status: 400, message: 'malformed SDP: bad media line "m=audio 6000 RTP/A"' },
] as const;

for (const { name, code, status, message } of cases) {
  t.test(name, async (t) => {
    const session = createSession(LOCAL_V4.address, '1000');
    t.throws(() => answerOffer(fixture(`${name}.offer.sdp`), LOCAL_V4, POLICY, session), { name: 'SdpError', code, status, message });
    t.equal(session.lastBody, null, 'a refused offer leaves the session untouched');
  });
}

t.test('the reason names what the server accepts, from the policy', async (t) => {
  const offer = fixture('sipp-uac-pcmu.offer.sdp');
  const err = catchError(() => answerOffer(offer, LOCAL_V4, { codecs: ['PCMA'] }, createSession('203.0.113.5')));
  t.ok(err instanceof SdpError);
  t.equal(err?.message, 'no common codec: offered PCMU; we accept PCMA');
});

t.test('a no-common-codec stream outranks an SRTP one in the reason', async (t) => {
  const offer = fixture('srtp-best-effort.offer.sdp');
  const err = catchError(() => answerOffer(offer, LOCAL_V4, { codecs: ['G729'] }, createSession('203.0.113.5')));
  t.equal(err?.code, 'ERR_SDP_NO_COMMON_CODEC');
  t.equal(err?.message, 'no common codec: offered PCMU, PCMA; we accept none');
});

t.test('host names and multicast in c= are refused with 488', async (t) => {
  const base = fixture('sipp-uac-pcmu.offer.sdp');
  for (const address of ['pbx.example.com', '224.2.1.1/127', '2001:db8::1']) {
    const offer = base.replace('c=IN IP4 127.0.0.1', `c=IN IP4 ${address}`);
    const err = catchError(() => answerOffer(offer, LOCAL_V4, POLICY, createSession('203.0.113.5')));
    t.equal(err?.code, 'ERR_SDP_UNSUPPORTED', address);
    t.equal(err?.status, 488);
  }
});

function catchError(fn: () => unknown): SdpError | null {
  try {
    fn();
  } catch (error) {
    if (error instanceof SdpError) return error;
    throw error;
  }
  return null;
}
