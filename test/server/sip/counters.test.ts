import t from 'tap';
import { countRequest, countResponse, createCounters } from '../../../server/sip/counters.js';

t.test('requests count by method, unknown methods as OTHER', async (t) => {
  const counters = createCounters();
  for (const method of ['INVITE', 'INVITE', 'BYE', 'FROBNICATE', 'XYZZY']) countRequest(counters, method);
  t.same(counters.requestsByMethod, { INVITE: 2, BYE: 1, OTHER: 2 });
});

t.test('responses count by the status code of the serialized message', async (t) => {
  const counters = createCounters();
  for (const line of ['SIP/2.0 200 OK\r\n', 'SIP/2.0 486 Busy Here\r\n', 'SIP/2.0 200 OK\r\n', 'garbage']) countResponse(counters, Buffer.from(line));
  t.same(counters.responsesByStatus, { '200': 2, '486': 1, other: 1 });
});
