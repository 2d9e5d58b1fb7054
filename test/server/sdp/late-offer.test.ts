import t from 'tap';
import { acceptAnswer, createOffer, createSession, parseSdp } from '../../../server/sdp/index.js';
import { fixture, LOCAL_V4, POLICY } from '../../fixtures/sdp/load.js';

const session = () => createSession(LOCAL_V4.address, '2000');
const answerFrom = (lines: string[]): string =>
  ['v=0', 'o=uac 9 9 IN IP4 10.2.2.2', 's=-', 'c=IN IP4 10.2.2.2', 't=0 0', ...lines].join('\r\n') + '\r\n';

t.test('our offer lists the configured codecs in order with telephone-event', async (t) => {
  t.equal(createOffer(LOCAL_V4, POLICY, session()), fixture('late-offer.offer.sdp'));
  const reversed = createOffer(LOCAL_V4, { codecs: ['PCMA', 'PCMU'], ptimeDefault: 30 }, session());
  t.match(reversed, /\r\nm=audio 40000 RTP\/AVP 8 0 101\r\n/);
  t.match(reversed, /\r\na=ptime:30\r\n/);
  t.throws(() => createOffer(LOCAL_V4, { codecs: [] }, session()), { code: 'ERR_SDP_NO_COMMON_CODEC' });
});

t.test('a typical answer in the ACK gives the leg parameters', async (t) => {
  const offer = createOffer(LOCAL_V4, POLICY, session());
  const params = acceptAnswer(fixture('late-offer.answer.sdp'), offer);
  t.same(params, {
    remote: { address: '10.2.2.2', rtpPort: 30000, rtcpPort: 30001 },
    rtcpMux: false,
    codec: { name: 'PCMA', payloadType: 8, clockRate: 8000, channels: 1, fmtp: {} },
    telephoneEvent: { payloadType: 101, clockRate: 8000 },
    ptime: 20,
    direction: 'sendrecv',
  });
});

t.test('the answerer’s first listed codec wins; its payload types and direction are used', async (t) => {
  const offer = createOffer(LOCAL_V4, POLICY, session());
  const params = acceptAnswer(
    answerFrom(['m=audio 30000 RTP/AVP 8 0 96', 'a=rtpmap:96 telephone-event/8000', 'a=ptime:30', 'a=sendonly', 'a=rtcp-mux']),
    offer,
  );
  t.equal(params.codec.name, 'PCMA');
  t.same(params.telephoneEvent, { payloadType: 96, clockRate: 8000 });
  t.equal(params.ptime, 30);
  t.equal(params.direction, 'recvonly', 'they only send, so we only receive');
  t.equal(params.rtcpMux, false, 'rtcp-mux we did not offer is ignored');
});

t.test('answers we cannot use are refused with a reason', async (t) => {
  const offer = createOffer(LOCAL_V4, POLICY, session());
  t.throws(() => acceptAnswer(answerFrom(['m=audio 0 RTP/AVP 0']), offer), { code: 'ERR_SDP_NO_AUDIO', message: 'the answer refused the audio stream' });
  t.throws(() => acceptAnswer(answerFrom(['m=audio 30000 RTP/AVP 18']), offer), {
    code: 'ERR_SDP_NO_COMMON_CODEC',
    message: 'no common codec: answered G729; we offered PCMU, PCMA, telephone-event',
  });
  t.throws(() => acceptAnswer(answerFrom(['m=audio 30000 RTP/SAVP 0']), offer), { code: 'ERR_SDP_UNSUPPORTED' });
  t.throws(() => acceptAnswer(answerFrom(['m=audio 30000 RTP/AVP 0', 'm=video 0 RTP/AVP 96']), offer), { code: 'ERR_SDP_MALFORMED' });
  t.throws(() => acceptAnswer('garbage', offer), { code: 'ERR_SDP_MALFORMED', status: 400 });
});

t.test('an answer on hold (c=0.0.0.0) leaves the remote unknown and media inactive', async (t) => {
  const offer = createOffer(LOCAL_V4, POLICY, session());
  const params = acceptAnswer(answerFrom(['m=audio 30000 RTP/AVP 0']).replace('c=IN IP4 10.2.2.2', 'c=IN IP4 0.0.0.0'), offer);
  t.equal(params.remote, null);
  t.equal(params.direction, 'inactive');
});

t.test('our offer is valid SDP by our own parser', async (t) => {
  const parsed = parseSdp(createOffer(LOCAL_V4, POLICY, session()));
  t.same(parsed.media[0]?.formats.map((f) => f.name), ['PCMU', 'PCMA', 'telephone-event']);
  t.equal(parsed.media[0]?.rtcpPort, 40001);
});
