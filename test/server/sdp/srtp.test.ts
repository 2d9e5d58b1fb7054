import t from 'tap';
import { acceptAnswer, answerOffer, createOffer, createSession, SdpError } from '../../../server/sdp/index.js';
import { LOCAL_V4 } from '../../fixtures/sdp/load.js';

const KEY_A = Buffer.alloc(30, 1).toString('base64');
const KEY_B = Buffer.alloc(30, 2).toString('base64');

function offer(protocol: string, cryptoLines: readonly string[]): string {
  return [
    'v=0',
    'o=phone 1 1 IN IP4 10.0.0.9',
    's=-',
    'c=IN IP4 10.0.0.9',
    't=0 0',
    `m=audio 5004 ${protocol} 0 101`,
    'a=rtpmap:0 PCMU/8000',
    'a=rtpmap:101 telephone-event/8000',
    ...cryptoLines,
    '',
  ].join('\r\n');
}

const answer = (sdp: string, policy: 'optional' | 'mandatory' | 'off' = 'optional') =>
  answerOffer(sdp, LOCAL_V4, { codecs: ['PCMU'], srtp: policy }, createSession(LOCAL_V4.address, '1'));

function rejection(fn: () => unknown): SdpError | null {
  try {
    fn();
  } catch (error) {
    if (error instanceof SdpError) return error;
    throw error;
  }
  return null;
}

t.test('an RTP/SAVP offer is answered with RTP/SAVP, the accepted tag and a fresh key of ours', async (t) => {
  const result = answer(offer('RTP/SAVP', [`a=crypto:3 AES_CM_128_HMAC_SHA1_32 inline:${KEY_B}`, `a=crypto:7 AES_CM_128_HMAC_SHA1_80 inline:${KEY_A}|2^31`]));
  t.match(result.answerSdp, /m=audio 40000 RTP\/SAVP 0 101/);
  const line = /a=crypto:(\d+) (\S+) inline:(\S+)/.exec(result.answerSdp);
  t.equal(line?.[1], '7', 'the tag of the suite we prefer (80-bit tag first)');
  t.equal(line?.[2], 'AES_CM_128_HMAC_SHA1_80');
  t.equal(Buffer.from(line?.[3] ?? '', 'base64').length, 30, 'a 30-byte key‖salt');
  t.not(line?.[3], KEY_A, 'our key is our own');
  t.same(result.params.srtp, { suite: 'AES_CM_128_HMAC_SHA1_80', localKey: line?.[3], remoteKey: KEY_A });
  t.equal((result.answerSdp.match(/a=crypto/g) ?? []).length, 1, 'exactly one crypto line in the answer');
});

t.test('the 32-bit suite alone is accepted', async (t) => {
  const result = answer(offer('RTP/SAVP', [`a=crypto:1 AES_CM_128_HMAC_SHA1_32 inline:${KEY_B}`]));
  t.equal(result.params.srtp?.suite, 'AES_CM_128_HMAC_SHA1_32');
  t.equal(result.params.srtp?.remoteKey, KEY_B);
});

t.test('plain RTP/AVP stays plain under the default policy', async (t) => {
  t.equal(answer(offer('RTP/AVP', [])).params.srtp, undefined);
});

t.test('unusable SRTP offers get 488 with the reason', async (t) => {
  const cases: [string[], RegExp][] = [
    [[], /no a=crypto line/],
    [['a=crypto:1 F8_128_HMAC_SHA1_80 inline:' + KEY_A], /no supported crypto suite: offered F8_128_HMAC_SHA1_80/],
    [['a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:c2hvcnQ='], /key must be 30 bytes/],
    [[`a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${KEY_A}|2^20|1:4`], /MKI is not supported/],
    [['a=crypto:1 AES_CM_128_HMAC_SHA1_80 key:' + KEY_A], /not inline/],
  ];
  for (const [lines, reason] of cases) {
    const error = rejection(() => answer(offer('RTP/SAVP', lines)));
    t.equal(error?.status, 488, lines.join(' ') || 'no crypto');
    t.match(error?.message ?? '', reason);
    t.notMatch(error?.message ?? '', KEY_A, 'keys never appear in reasons');
  }
});

t.test('srtp.policy mandatory refuses plain RTP; off refuses SRTP', async (t) => {
  const plain = rejection(() => answer(offer('RTP/AVP', []), 'mandatory'));
  t.equal(plain?.code, 'ERR_SDP_SRTP_REQUIRED');
  t.equal(plain?.status, 488);
  const secure = rejection(() => answer(offer('RTP/SAVP', [`a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${KEY_A}`]), 'off'));
  t.equal(secure?.code, 'ERR_SDP_SRTP_NOT_SUPPORTED');
  t.match(secure?.message ?? '', /srtp.policy=off/);
});

t.test('with SRTP mandatory our offer is RTP/SAVP and the answer settles the keys', async (t) => {
  const ours = createOffer(LOCAL_V4, { codecs: ['PCMU'], srtp: 'mandatory' }, createSession(LOCAL_V4.address, '1'));
  t.match(ours, /m=audio 40000 RTP\/SAVP/);
  const lines = [...ours.matchAll(/a=crypto:(\d+) (\S+) inline:(\S+)/g)];
  t.equal(lines.length, 2, 'one line per suite');
  t.not(lines[0]?.[3], lines[1]?.[3], 'each line has its own key');
  const reply = offer('RTP/SAVP', [`a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:${KEY_B}`]);
  const params = acceptAnswer(reply, ours);
  t.same(params.srtp, { suite: 'AES_CM_128_HMAC_SHA1_32', localKey: lines[1]?.[3], remoteKey: KEY_B });
  const wrongTag = offer('RTP/SAVP', [`a=crypto:9 AES_CM_128_HMAC_SHA1_32 inline:${KEY_B}`]);
  t.throws(() => acceptAnswer(wrongTag, ours), { code: 'ERR_SDP_SRTP_NOT_SUPPORTED', message: /tag 9 does not match/ });
  const optional = createOffer(LOCAL_V4, { codecs: ['PCMU'] }, createSession(LOCAL_V4.address, '1'));
  t.match(optional, /RTP\/AVP/);
  t.notMatch(optional, /a=crypto/);
});
