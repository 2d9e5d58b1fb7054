import t from 'tap';
import { LocalAddressResolver } from '../../../server/sip/local-address.js';

t.test('a specific flow or bind address is used as is', async (t) => {
  t.equal(new LocalAddressResolver('0.0.0.0').known('10.1.2.3', '192.0.2.1'), '10.1.2.3');
  t.equal(new LocalAddressResolver('10.9.9.9').known('0.0.0.0', '192.0.2.1'), '10.9.9.9');
});

t.test('wildcard binds: loopback peers are answered from loopback; others ask the routing table once', async (t) => {
  const resolver = new LocalAddressResolver('0.0.0.0');
  t.equal(resolver.known('0.0.0.0', '127.0.0.1'), '127.0.0.1');
  t.equal(resolver.known('0.0.0.0', '127.0.0.2'), null);
  const address = await resolver.resolve('0.0.0.0', '127.0.0.2');
  t.equal(address, '127.0.0.1', 'the kernel routes 127.0.0.2 via the loopback address');
  t.equal(resolver.known('0.0.0.0', '127.0.0.2'), '127.0.0.1', 'cached');
});
