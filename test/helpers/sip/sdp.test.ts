import t from 'tap';
import { answerLateOffer, buildSdp, parseRemoteMedia } from './sdp.js';

t.test('buildSdp: static, dynamic and telephone-event formats, ptime, direction', async (t) => {
  const sdp = buildSdp({ host: '127.0.0.1', port: 40000 }, { codecs: ['PCMA', 'opus/48000/2', 'PCMU'], ptime: 30, telephoneEvent: true, direction: 'sendonly' }, 7);
  t.match(sdp, /^v=0\r\no=voxbridge-test 7 1 IN IP4 127.0.0.1\r\n/);
  t.match(sdp, /\r\nc=IN IP4 127\.0\.0\.1\r\n/);
  t.match(sdp, /\r\nm=audio 40000 RTP\/AVP 8 96 0 101\r\n/);
  t.match(sdp, /a=rtpmap:96 opus\/48000\/2\r\n/);
  t.match(sdp, /a=fmtp:101 0-16\r\n/);
  t.match(sdp, /a=ptime:30\r\na=sendonly\r\n$/);
});

t.test('parseRemoteMedia reads the chosen codec, address and telephone-event', async (t) => {
  const answer = ['v=0', 'o=- 1 1 IN IP4 10.0.0.9', 's=-', 'c=IN IP4 10.0.0.9', 't=0 0', 'm=audio 30000 RTP/AVP 101 8', 'c=IN IP4 127.0.0.1',
    'a=rtpmap:101 telephone-event/8000', 'a=ptime:20', 'a=recvonly', ''].join('\r\n');
  const media = parseRemoteMedia(answer);
  t.equal(media?.address, '127.0.0.1', 'media-level c= wins');
  t.equal(media?.port, 30000);
  t.equal(media?.payloadType, 8, 'the first non-event format');
  t.equal(media?.codec, 'PCMA', 'static payload type without rtpmap');
  t.equal(media?.telephoneEventPayloadType, 101);
  t.equal(media?.ptime, 20);
  t.equal(media?.direction, 'recvonly');
  t.equal(parseRemoteMedia('v=0\r\ns=-\r\nm=video 1 RTP/AVP 96\r\n'), null, 'no audio');
  t.equal(parseRemoteMedia('v=0\r\nm=audio 1 RTP/AVP 0\r\n'), null, 'no connection address');
});

t.test('answerLateOffer keeps the offer\'s payload type for the first codec we accept', async (t) => {
  const offer = parseRemoteMedia(buildSdp({ host: '127.0.0.1', port: 1000 }, { codecs: ['G729', 'PCMA', 'PCMU'] }));
  if (!offer) {
    t.fail('offer did not parse');
    return;
  }
  const answer = answerLateOffer(offer, { host: '127.0.0.1', port: 2000 }, ['PCMU', 'PCMA']);
  t.match(answer, /m=audio 2000 RTP\/AVP 8\r\na=rtpmap:8 PCMA\/8000\r\n/, 'offer order decides among accepted codecs');
  t.equal(answerLateOffer(offer, { host: '127.0.0.1', port: 2000 }, ['G722']), null);
});
