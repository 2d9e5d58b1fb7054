import t from 'tap';
import { answerOffer, createSession } from '../../../server/sdp/index.js';
import { fixture, LOCAL_V4 } from '../../fixtures/sdp/load.js';

const offerWith = (mLine: string, extra: string[] = []): string =>
  ['v=0', 'o=- 1 1 IN IP4 10.0.0.1', 's=-', 'c=IN IP4 10.0.0.1', 't=0 0', mLine, ...extra].join('\r\n') + '\r\n';

t.test('the codec is the server’s preference, not the offer’s order', async (t) => {
  const offer = offerWith('m=audio 4000 RTP/AVP 0 8');
  const pick = (codecs: string[]) => answerOffer(offer, LOCAL_V4, { codecs }, createSession('203.0.113.5')).params.codec.name;
  t.equal(pick(['PCMU', 'PCMA']), 'PCMU');
  t.equal(pick(['PCMA', 'PCMU']), 'PCMA');
  t.equal(pick(['pcma']), 'PCMA', 'policy names are case-insensitive');
  const reversed = offerWith('m=audio 4000 RTP/AVP 8 0');
  t.equal(answerOffer(reversed, LOCAL_V4, { codecs: ['PCMU', 'PCMA'] }, createSession('x')).params.codec.name, 'PCMU');
});

t.test('dynamic payload types for a static codec are mirrored', async (t) => {
  const offer = offerWith('m=audio 4000 RTP/AVP 112', ['a=rtpmap:112 pcma/8000']);
  const { answerSdp, params } = answerOffer(offer, LOCAL_V4, { codecs: ['PCMA'] }, createSession('203.0.113.5'));
  t.equal(params.codec.payloadType, 112);
  t.equal(params.codec.name, 'PCMA');
  t.match(answerSdp, /\r\nm=audio 40000 RTP\/AVP 112\r\na=rtpmap:112 PCMA\/8000\r\n/);
});

t.test('telephone-event is answered only when offered, at the codec clock rate', async (t) => {
  const without = answerOffer(offerWith('m=audio 4000 RTP/AVP 0'), LOCAL_V4, { codecs: ['PCMU'] }, createSession('a'));
  t.equal(without.params.telephoneEvent, null);
  t.notMatch(without.answerSdp, /telephone-event/);
  const wrongRate = offerWith('m=audio 4000 RTP/AVP 0 101', ['a=rtpmap:101 telephone-event/48000']);
  t.equal(answerOffer(wrongRate, LOCAL_V4, { codecs: ['PCMU'] }, createSession('b')).params.telephoneEvent, null);
});

t.test('ptime: honoured when the codec can, else the policy default, else 20; maxptime respected', async (t) => {
  const ptimeOf = (extra: string[], ptimeDefault?: number) =>
    answerOffer(offerWith('m=audio 4000 RTP/AVP 0', extra), LOCAL_V4, { codecs: ['PCMU'], ptimeDefault }, createSession('p')).params.ptime;
  t.equal(ptimeOf(['a=ptime:10']), 10);
  t.equal(ptimeOf(['a=ptime:60']), 60);
  t.equal(ptimeOf(['a=ptime:25']), 20, 'unsupported ptime falls back to 20');
  t.equal(ptimeOf([], 40), 40, 'policy default when the offer has none');
  t.equal(ptimeOf(['a=ptime:25'], 30), 30);
  t.equal(ptimeOf(['a=ptime:25'], 35), 20, 'an unsupported policy default is ignored');
  t.equal(ptimeOf(['a=maxptime:10']), 10, 'never above maxptime');
  t.equal(ptimeOf(['a=ptime:40', 'a=maxptime:30']), 20, 'a ptime above maxptime is ignored');
  const answer = answerOffer(offerWith('m=audio 4000 RTP/AVP 0', ['a=ptime:30']), LOCAL_V4, { codecs: ['PCMU'] }, createSession('q'));
  t.match(answer.answerSdp, /\r\na=ptime:30\r\n/);
});

t.test('rtcp-mux is echoed and the remote RTCP port becomes the RTP port', async (t) => {
  const { answerSdp, params } = answerOffer(offerWith('m=audio 4000 RTP/AVP 0', ['a=rtcp-mux']), LOCAL_V4, { codecs: ['PCMU'] }, createSession('m'));
  t.equal(params.rtcpMux, true);
  t.same(params.remote, { address: '10.0.0.1', rtpPort: 4000, rtcpPort: 4000 });
  t.match(answerSdp, /\r\na=rtcp-mux\r\n/);
  t.notMatch(answerSdp, /a=rtcp:/);
});

t.test('IPv6 unspecified address is an old-style hold too', async (t) => {
  const offer = offerWith('m=audio 4000 RTP/AVP 0').replace('c=IN IP4 10.0.0.1', 'c=IN IP6 ::');
  const { answerSdp, params } = answerOffer(offer, LOCAL_V4, { codecs: ['PCMU'] }, createSession('h'));
  t.equal(params.remote, null);
  t.equal(params.direction, 'inactive');
  t.match(answerSdp, /\r\na=inactive\r\n/);
});

t.test('session version: same answer keeps it, a changed answer bumps it by one', async (t) => {
  const session = createSession('203.0.113.5', '777');
  const first = answerOffer(fixture('sipp-uac-pcmu.offer.sdp'), LOCAL_V4, { codecs: ['PCMU'] }, session);
  const again = answerOffer(fixture('sipp-uac-pcmu.offer.sdp'), LOCAL_V4, { codecs: ['PCMU'] }, session);
  t.match(first.answerSdp, /\r\no=voxbridge 777 1 IN IP4 203.0.113.5\r\n/);
  t.equal(again.answerSdp, first.answerSdp);
  const hold = answerOffer(fixture('hold-inactive.offer.sdp'), LOCAL_V4, { codecs: ['PCMU'] }, session);
  t.match(hold.answerSdp, /\r\no=voxbridge 777 2 IN IP4 203.0.113.5\r\n/);
  const resume = answerOffer(fixture('sipp-uac-pcmu.offer.sdp'), LOCAL_V4, { codecs: ['PCMU'] }, session);
  t.match(resume.answerSdp, /\r\no=voxbridge 777 3 /);
  t.equal(session.version, 3);
});

t.test('createSession picks a numeric random id when none is given', async (t) => {
  const a = createSession('10.0.0.1');
  const b = createSession('10.0.0.1');
  t.match(a.sessionId, /^\d+$/);
  t.not(a.sessionId, b.sessionId);
  t.equal(a.version, 1);
});
