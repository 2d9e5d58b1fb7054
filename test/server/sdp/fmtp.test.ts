/** Per-codec fmtp negotiation driven by the descriptors (Opus: RFC 7587 §6), and the G.722 / Opus rtpmap forms. */
import t from 'tap';
import { acceptAnswer, answerOffer, createOffer, createSession } from '../../../server/sdp/index.js';
import { fixture, LOCAL_V4 } from '../../fixtures/sdp/load.js';

const offerWith = (mLine: string, extra: string[] = []): string =>
  ['v=0', 'o=- 1 1 IN IP4 10.0.0.1', 's=-', 'c=IN IP4 10.0.0.1', 't=0 0', mLine, ...extra].join('\r\n') + '\r\n';

const OUR_OPUS_FMTP = 'minptime=10;useinbandfec=1;maxplaybackrate=48000;sprop-maxcapturerate=48000;stereo=0;sprop-stereo=0';

t.test('Opus: we answer opus/48000/2 with our fmtp; our encoder honours the far end’s', async (t) => {
  const offer = offerWith('m=audio 4000 RTP/AVP 109 0 110', [
    'a=rtpmap:109 opus/48000/2',
    'a=fmtp:109 maxplaybackrate=16000; useinbandfec=1; usedtx=1; maxaveragebitrate=20000; stereo=1; sprop-stereo=1',
    'a=rtpmap:110 telephone-event/48000',
    'a=fmtp:110 0-15',
  ]);
  const { answerSdp, params } = answerOffer(offer, LOCAL_V4, { codecs: ['opus', 'PCMU'] }, createSession('203.0.113.5'));
  t.match(answerSdp, /\r\nm=audio 40000 RTP\/AVP 109 110\r\n/);
  t.match(answerSdp, /\r\na=rtpmap:109 opus\/48000\/2\r\n/);
  t.match(answerSdp, new RegExp(`\\r\\na=fmtp:109 ${OUR_OPUS_FMTP}\\r\\n`));
  t.match(answerSdp, /\r\na=rtpmap:110 telephone-event\/48000\r\na=fmtp:110 0-15\r\n/);
  t.same(params.codec, {
    name: 'opus',
    payloadType: 109,
    clockRate: 48000,
    channels: 2,
    fmtp: { maxaveragebitrate: '20000', maxplaybackrate: '16000', useinbandfec: '1', usedtx: '1', stereo: '1' },
  });
  t.same(params.telephoneEvent, { payloadType: 110, clockRate: 48000 });
});

t.test('Opus without fmtp: RFC defaults for our encoder; configured fmtp replaces our declaration', async (t) => {
  const offer = offerWith('m=audio 4000 RTP/AVP 96', ['a=rtpmap:96 opus/48000/2']);
  const plain = answerOffer(offer, LOCAL_V4, { codecs: ['opus'] }, createSession('a'));
  t.same(plain.params.codec.fmtp, {});
  const configured = answerOffer(offer, LOCAL_V4, { codecs: ['opus'], fmtp: { opus: { useinbandfec: '1', maxaveragebitrate: '24000' } } }, createSession('b'));
  t.match(configured.answerSdp, /\r\na=fmtp:96 useinbandfec=1;maxaveragebitrate=24000\r\n/);
  t.notMatch(configured.answerSdp, /opus\/48000\r\n/, 'never opus/48000 without /2');
});

t.test('baresip’s many-codec offer: server preference picks Opus, then G.722', async (t) => {
  const offer = fixture('baresip-many-codecs.offer.sdp');
  const opus = answerOffer(offer, LOCAL_V4, { codecs: ['opus', 'G722', 'PCMU', 'PCMA'] }, createSession('c'));
  t.equal(opus.params.codec.name, 'opus');
  t.same(opus.params.codec.fmtp, { stereo: '1' });
  t.same(opus.params.telephoneEvent, { payloadType: 102, clockRate: 48000 }, 'telephone-event at the Opus clock');
  const g722 = answerOffer(offer, LOCAL_V4, { codecs: ['G722', 'PCMU'] }, createSession('d'));
  t.same(g722.params.codec, { name: 'G722', payloadType: 9, clockRate: 8000, channels: 1, fmtp: {} });
  t.match(g722.answerSdp, /\r\nm=audio 40000 RTP\/AVP 9 101\r\na=rtpmap:9 G722\/8000\r\na=rtpmap:101 telephone-event\/8000\r\n/);
  t.same(g722.params.telephoneEvent, { payloadType: 101, clockRate: 8000 }, 'G.722 events at its 8000 RTP clock');
});

t.test('our offer carries each codec’s fmtp and events per clock rate; the answer’s fmtp drives our encoder', async (t) => {
  const offer = createOffer(LOCAL_V4, { codecs: ['opus', 'G722', 'PCMU'] }, createSession('203.0.113.5', '7'));
  t.match(offer, /\r\nm=audio 40000 RTP\/AVP 111 9 0 101 96\r\n/);
  t.match(offer, new RegExp(`\\r\\na=rtpmap:111 opus/48000/2\\r\\na=fmtp:111 ${OUR_OPUS_FMTP}\\r\\n`));
  t.match(offer, /\r\na=rtpmap:9 G722\/8000\r\na=rtpmap:0 PCMU\/8000\r\n/);
  t.match(offer, /\r\na=rtpmap:101 telephone-event\/48000\r\na=fmtp:101 0-16\r\na=rtpmap:96 telephone-event\/8000\r\n/);
  const answer = offerWith('m=audio 5000 RTP/AVP 111 101', [
    'a=rtpmap:111 opus/48000/2',
    'a=fmtp:111 useinbandfec=1;maxaveragebitrate=16000',
    'a=rtpmap:101 telephone-event/48000',
  ]);
  const params = acceptAnswer(answer, offer);
  t.same(params.codec.fmtp, { maxaveragebitrate: '16000', useinbandfec: '1' });
  t.same(params.telephoneEvent, { payloadType: 101, clockRate: 48000 });
});
