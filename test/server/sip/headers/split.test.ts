import t from 'tap';
import { splitHeaderList } from '../../../../server/sip/headers/split.js';
import { parseHeaderParams } from '../../../../server/sip/headers/params.js';
import { parseCSeq } from '../../../../server/sip/headers/cseq.js';
import { canonicalHeaderName, normalizeHeaderName } from '../../../../server/sip/headers/names.js';

t.test('comma lists respect quotes and angle brackets', async (t) => {
  t.same(splitHeaderList('<sip:a@b;x=1,2>, "Doe, John" <sip:j@d>,sip:c@d'), ['<sip:a@b;x=1,2>', '"Doe, John" <sip:j@d>', 'sip:c@d']);
  t.same(splitHeaderList('SIP/2.0/UDP a;branch=z9hG4bK1 , SIP/2.0/UDP b'), ['SIP/2.0/UDP a;branch=z9hG4bK1', 'SIP/2.0/UDP b']);
  t.equal(splitHeaderList('a,,b'), null);
  t.equal(splitHeaderList('"open, quote'), null);
  t.equal(splitHeaderList('<a, b'), null);
  t.equal(splitHeaderList('a>'), null);
});

t.test('header params', async (t) => {
  t.same(parseHeaderParams(' ; tag = abc ;lr;q=0.5', 0), [
    { name: 'tag', value: 'abc' },
    { name: 'lr', value: null },
    { name: 'q', value: '0.5' },
  ]);
  t.same(parseHeaderParams(';text="a;b"', 0), [{ name: 'text', value: '"a;b"' }]);
  t.equal(parseHeaderParams('x', 0), null);
  t.equal(parseHeaderParams(';=1', 0), null);
  t.equal(parseHeaderParams(';a="open', 0), null);
});

t.test('CSeq', async (t) => {
  t.same(parseCSeq('4711 INVITE'), { seq: 4711, method: 'INVITE' });
  t.same(parseCSeq('1\tBYE'), { seq: 1, method: 'BYE' });
  for (const bad of ['INVITE', '1', '-1 INVITE', '2147483648 INVITE', '1 IN VITE', 'x INVITE']) t.equal(parseCSeq(bad), null, bad);
});

t.test('header names: compact forms and canonical spelling', async (t) => {
  t.equal(normalizeHeaderName('i'), 'call-id');
  t.equal(normalizeHeaderName('V'), 'via');
  t.equal(normalizeHeaderName('CONTENT-LENGTH'), 'content-length');
  t.equal(canonicalHeaderName('call-id'), 'Call-ID');
  t.equal(canonicalHeaderName('cseq'), 'CSeq');
  t.equal(canonicalHeaderName('www-authenticate'), 'WWW-Authenticate');
  t.equal(canonicalHeaderName('x-my-header'), 'X-My-Header');
  t.equal(canonicalHeaderName('constructor'), 'Constructor', 'no prototype lookups');
});
