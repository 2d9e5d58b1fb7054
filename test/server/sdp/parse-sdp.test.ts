import t from 'tap';
import { MAX_SDP_LENGTH, parseSdp, SdpError } from '../../../server/sdp/index.js';
import { fixture } from '../../fixtures/sdp/load.js';

const VALID = ['v=0', 'o=- 1 1 IN IP4 10.0.0.1', 's=-', 'c=IN IP4 10.0.0.1', 't=0 0', 'm=audio 4000 RTP/AVP 0 8'];
const sdp = (lines: string[]): string => lines.join('\r\n') + '\r\n';
const replace = (from: string, to: string | null): string =>
  sdp(VALID.flatMap((line) => (line === from ? (to === null ? [] : [to]) : [line])));

t.test('a minimal valid SDP parses', async (t) => {
  const parsed = parseSdp(sdp(VALID));
  t.equal(parsed.media.length, 1);
  const [audio] = parsed.media;
  t.match(audio, { type: 'audio', port: 4000, protocol: 'RTP/AVP', direction: 'sendrecv', rtcpPort: null, rtcpMux: false });
  t.same(audio?.connection, { ipVer: 4, address: '10.0.0.1' });
  t.same(audio?.formats.map((f) => [f.payloadType, f.name, f.clockRate, f.channels]), [
    [0, 'PCMU', 8000, 1],
    [8, 'PCMA', 8000, 1],
  ]);
});

const malformedCases: [string, unknown][] = [
  ['empty body', ''],
  ['non-string body', 42],
  ['whitespace only', ' \r\n '],
  ['v= missing', replace('v=0', null)],
  ['v=1', replace('v=0', 'v=1')],
  ['o= missing', replace('o=- 1 1 IN IP4 10.0.0.1', null)],
  ['o= unreadable', replace('o=- 1 1 IN IP4 10.0.0.1', 'o=broken')],
  ['no m= line', replace('m=audio 4000 RTP/AVP 0 8', null)],
  ['m= without formats', replace('m=audio 4000 RTP/AVP 0 8', 'm=audio 4000 RTP/AVP')],
  ['port out of range', replace('m=audio 4000 RTP/AVP 0 8', 'm=audio 70000 RTP/AVP 0 8')],
  ['non-numeric port', replace('m=audio 4000 RTP/AVP 0 8', 'm=audio port RTP/AVP 0 8')],
  ['RTP format not a payload type', replace('m=audio 4000 RTP/AVP 0 8', 'm=audio 4000 RTP/AVP 0 PCMA')],
  ['payload type above 127', replace('m=audio 4000 RTP/AVP 0 8', 'm=audio 4000 RTP/AVP 0 200')],
  ['bad c= line', replace('c=IN IP4 10.0.0.1', 'c=IN IPX 10.0.0.1')],
  ['no c= for an active stream', replace('c=IN IP4 10.0.0.1', null)],
  ['a line that is not type=value', replace('s=-', 'hello')],
  ['an upper-case type', replace('s=-', 'S=-')],
  ['bad a=rtcp port', sdp([...VALID, 'a=rtcp:0'])],
  ['too long', sdp([...VALID, `a=x:${'y'.repeat(MAX_SDP_LENGTH)}`])],
];

for (const [what, body] of malformedCases) {
  t.test(`malformed: ${what}`, async (t) => {
    t.throws(() => parseSdp(body), { name: 'SdpError', code: 'ERR_SDP_MALFORMED', status: 400 });
  });
}

t.test('every malformed error carries a reason after the prefix', async (t) => {
  try {
    parseSdp(replace('m=audio 4000 RTP/AVP 0 8', 'm=audio 4000 RTP/AVP 0 200'));
    t.fail('should throw');
  } catch (error) {
    t.ok(error instanceof SdpError);
    t.equal((error as Error).message, 'malformed SDP: "200" is not an RTP payload type in "m=audio 4000 RTP/AVP 0 200"');
  }
});

t.test('tolerated: port 0 streams without c=, port counts, unknown attributes, blank lines', async (t) => {
  const body = sdp([
    'v=0',
    'o=- 1 1 IN IP4 10.0.0.1',
    's=-',
    't=0 0',
    'm=video 0 RTP/AVP 96',
    'm=audio 4000/2 RTP/AVP 0',
    'c=IN IP4 10.0.0.2',
    'a=x-unknown:whatever',
    '',
  ]);
  const parsed = parseSdp(body);
  t.same(parsed.media.map((m) => [m.type, m.port, m.connection?.address ?? null]), [
    ['video', 0, null],
    ['audio', 4000, '10.0.0.2'],
  ]);
});

t.test('o= versions beyond 2^53 (64-bit NTP style) are fine', async (t) => {
  const body = replace('o=- 1 1 IN IP4 10.0.0.1', 'o=- 8377785546380034536 18446744073709551615 IN IP4 10.0.0.1');
  t.equal(parseSdp(body).media.length, 1);
});

t.test('attributes: rtpmap over static, missing rtpmap, fmtp, direction levels, ptime forms, rtcp', async (t) => {
  const body = sdp([
    'v=0',
    'o=- 1 1 IN IP4 10.0.0.1',
    's=-',
    'c=IN IP4 10.0.0.1',
    't=0 0',
    'a=sendonly',
    'm=audio 4000 RTP/AVP 0 96 97 8 101',
    'a=rtpmap:0 PCMU/8000',
    'a=rtpmap:97 opus/48000/2',
    'a=fmtp:97 useinbandfec=1; stereo=1',
    'a=rtpmap:8 PCMA',
    'a=rtpmap:101 telephone-event/8000',
    'a=fmtp:101 0-15',
    'a=ptime:20.0',
    'a=maxptime:40',
    'a=rtcp:4005 IN IP4 10.0.0.9',
    'm=audio 5000 RTP/AVP 0',
    'a=inactive',
  ]);
  const [first, second] = parseSdp(body).media;
  t.same(first?.formats, [
    { payloadType: 0, name: 'PCMU', clockRate: 8000, channels: 1, fmtp: null },
    { payloadType: 96, name: null, clockRate: 0, channels: 0, fmtp: null },
    { payloadType: 97, name: 'opus', clockRate: 48000, channels: 2, fmtp: 'useinbandfec=1; stereo=1' },
    // An unreadable rtpmap (no rate) on a static type falls back to RFC 3551.
    { payloadType: 8, name: 'PCMA', clockRate: 8000, channels: 1, fmtp: null },
    { payloadType: 101, name: 'telephone-event', clockRate: 8000, channels: 1, fmtp: '0-15' },
  ]);
  t.equal(first?.direction, 'sendonly', 'session-level direction applies');
  t.equal(second?.direction, 'inactive', 'media-level direction wins');
  t.equal(first?.ptime, 20);
  t.equal(first?.maxptime, 40);
  t.equal(first?.rtcpPort, 4005);
});

t.test('every fixture offer that is not a garbage case parses', async (t) => {
  for (const name of ['baresip-many-codecs', 'linphone-with-video', 'reject-webrtc', 'second-audio-and-t38', 'ipv6']) {
    t.doesNotThrow(() => parseSdp(fixture(`${name}.offer.sdp`)), name);
  }
  const t38 = parseSdp(fixture('second-audio-and-t38.offer.sdp')).media[3];
  t.same([t38?.type, t38?.protocol, t38?.rawFormats, t38?.formats], ['image', 'udptl', ['t38'], []]);
});
