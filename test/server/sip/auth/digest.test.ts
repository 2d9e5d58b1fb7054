import t from 'tap';
import { digestChallenge, digestResponse, parseDigestCredentials, parseDigestParams } from '../../../../server/sip/auth/digest.js';

// RFC 7616 §3.9.1 worked example (the same computation SIP uses, RFC 8760).
const EXAMPLE = {
  username: 'Mufasa',
  realm: 'http-auth@example.org',
  password: 'Circle of Life',
  method: 'GET',
  uri: '/dir/index.html',
  nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
  qop: 'auth' as const,
  nc: '00000001',
  cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
};

t.test('RFC 7616 §3.9.1 responses for MD5 and SHA-256', async (t) => {
  t.equal(digestResponse({ ...EXAMPLE, algorithm: 'MD5' }), '8ca523f5e9506fed4657c9700eebdbec');
  t.equal(digestResponse({ ...EXAMPLE, algorithm: 'SHA-256' }), '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1');
});

t.test('RFC 2069 form without qop (RFC 3261 §22.4 allows it for old clients)', async (t) => {
  // H(H(A1):nonce:H(A2)) with MD5, checked against an independent computation.
  const { createHash } = await import('node:crypto');
  const md5 = (s: string): string => createHash('md5').update(s).digest('hex');
  const expected = md5(`${md5('bob:voxbridge:pw')}:abc:${md5('REGISTER:sip:example.com')}`);
  t.equal(
    digestResponse({ algorithm: 'MD5', username: 'bob', realm: 'voxbridge', password: 'pw', method: 'REGISTER', uri: 'sip:example.com', nonce: 'abc', qop: null, nc: '', cnonce: '' }),
    expected,
  );
});

t.test('credentials parse: quoted values with commas and escapes, tokens, defaults', async (t) => {
  const parsed = parseDigestCredentials(
    'Digest username="bob", realm="a, b", nonce="n\\"1", uri="sip:x@y", response="ABCDEF", algorithm=SHA-256, cnonce="c", qop=auth, nc=00000002, opaque="o"',
  );
  t.same(parsed, {
    username: 'bob',
    realm: 'a, b',
    nonce: 'n"1',
    uri: 'sip:x@y',
    response: 'abcdef',
    algorithm: 'SHA-256',
    qop: 'auth',
    nc: '00000002',
    cnonce: 'c',
    opaque: 'o',
  });
  t.equal(parseDigestCredentials('Digest username="bob", realm="r", nonce="n", uri="u", response="r"')?.algorithm, 'MD5', 'MD5 when absent');
  t.equal(parseDigestCredentials('Basic Ym9iOnB3'), null, 'another scheme');
  t.equal(parseDigestCredentials('Digest username="bob", realm="r"'), null, 'missing fields');
  t.equal(parseDigestParams('Digest username="unterminated'), null);
  t.equal(parseDigestParams('Digest a=1, a=2'), null, 'repeated parameter');
  t.equal(parseDigestParams('Digest noequals'), null);
});

t.test('challenge text', async (t) => {
  t.equal(digestChallenge('voxbridge', 'abc', 'SHA-256', false), 'Digest realm="voxbridge", nonce="abc", algorithm=SHA-256, qop="auth"');
  t.equal(digestChallenge('a"b', 'n', 'MD5', true), 'Digest realm="a\\"b", nonce="n", algorithm=MD5, qop="auth", stale=true');
});
