/**
 * voxbridge's answers to the basic SIP behaviours, checked with the in-process
 * SIP test client: routing (404), OPTIONS, unknown methods, CANCEL, BYE both ways.
 */
import t from 'tap';
import { SipTestClient } from '../helpers/sip-test-client.js';
import { startServerUnderTest } from './voxbridge-under-test.js';

t.test('signalling against one server', async (t) => {
  const { udp } = await startServerUnderTest(t);
  const client = await SipTestClient.create({ server: udp });
  t.teardown(() => client.close());

  t.test('an unknown user gets 404 (and our ACK)', async (t) => {
    const call = await client.invite('nobody');
    t.equal(call.status, 404);
    t.equal(call.responses.at(-1), 404);
  });

  t.test('OPTIONS gets 200 with Allow and Accept', async (t) => {
    const response = await client.request('OPTIONS', 'echo', { extraHeaders: { Accept: 'application/sdp' } });
    t.equal(response.status, 200);
    for (const method of ['INVITE', 'ACK', 'CANCEL', 'BYE', 'OPTIONS']) {
      t.ok(response.headerAll('allow').map((m) => m.toUpperCase()).includes(method), `Allow lists ${method}`);
    }
    t.match(response.header('accept'), /application\/sdp/);
  });

  t.test('an unknown method gets 501', async (t) => {
    const response = await client.request('FOO', 'echo');
    t.equal(response.status, 501);
  });

  t.test('CANCEL of a ringing call: 200 for the CANCEL, 487 for the INVITE', async (t) => {
    const pending = client.inviteNoWait('ring');
    await pending.provisional(180);
    t.same(await pending.cancel(), { cancelStatus: 200, inviteStatus: 487 });
  });

  t.test('our BYE is answered 200', async (t) => {
    const call = await client.invite('echo');
    t.equal(call.status, 200);
    t.equal((await call.hangup()).status, 200);
  });
});

t.test('voxbridge hangs up a call that reaches its length limit, and our 200 ends it', async (t) => {
  const { udp } = await startServerUnderTest(t, (config) => {
    config.apps.maxCallSeconds = 1;
  });
  const client = await SipTestClient.create({ server: udp });
  t.teardown(() => client.close());
  const call = await client.invite('echo');
  t.equal(call.status, 200);
  t.equal(await call.waitForEnd(5000), 'remote-bye');
  t.equal(call.byeReceived?.method, 'BYE');
});
