import t from 'tap';
import { formatNameAddr, parseNameAddr, withTag, withoutTag } from '../../../../server/sip/headers/name-addr.js';

t.test('name-addr and addr-spec forms', async (t) => {
  t.match(parseNameAddr('"Bob \\"B\\"" <sip:bob@example.com;transport=tcp>;tag=a6c85cf'), {
    displayName: 'Bob "B"',
    uri: 'sip:bob@example.com;transport=tcp',
    tag: 'a6c85cf',
  });
  t.match(parseNameAddr('Anonymous Caller <sip:c8oqz84zk7z@privacy.org>;tag=hyh8'), { displayName: 'Anonymous Caller', tag: 'hyh8' });
  t.match(parseNameAddr('<sip:carol@chicago.com>'), { displayName: null, uri: 'sip:carol@chicago.com', tag: null });
  const spec = parseNameAddr('sip:+12125551212@server.phone2net.com;tag=887s');
  t.match(spec, { uri: 'sip:+12125551212@server.phone2net.com', tag: '887s' }, 'addr-spec params belong to the header');
  t.match(parseNameAddr('<tel:+1234>'), { uri: 'tel:+1234' });
  t.match(parseNameAddr('*'), { uri: '*' });
  t.match(parseNameAddr('<sip:a@b>;expires=60;+sip.instance="<urn:uuid:1>"'), { params: [{ name: 'expires' }, { name: '+sip.instance', value: '"<urn:uuid:1>"' }] });
});

t.test('rejects malformed values', async (t) => {
  for (const bad of ['', '<sip:a@b', '"unterminated <sip:a@b>', 'sip:a@b;tag', '<nocolon>', 'Bad"Name <sip:a@b>', '<sip:a@b> junk', '"x" sip:a@b']) {
    t.equal(parseNameAddr(bad), null, JSON.stringify(bad));
  }
});

t.test('formatting and tags', async (t) => {
  const value = parseNameAddr('"A \\\\ B" <sip:a@b>');
  if (value === null) throw new Error('parse');
  t.equal(value.displayName, 'A \\ B');
  const tagged = withTag(value, 'xyz');
  t.equal(formatNameAddr(tagged), '"A \\\\ B" <sip:a@b>;tag=xyz');
  t.equal(formatNameAddr(withoutTag(tagged)), '"A \\\\ B" <sip:a@b>');
  t.same(parseNameAddr(formatNameAddr(tagged)), tagged, 'round trip');
});
