/**
 * The client's protocol corners, against a scripted UDP "server" in this file:
 * retransmission on loss, late offer (SDP in the ACK), a retransmitted 2xx,
 * bounded waits, stray responses and close().
 */
import t, { type Test } from 'tap';
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { SipTestClient, SipMessage } from './sip-test-client.js';
import { buildResponse } from './sip/message.js';


/** A UDP socket that hands every parsed message, with a reply function, to `script`. */
async function fakeServer(t: Test, script: (message: SipMessage, reply: (text: string) => void) => void): Promise<Socket> {
  const socket = createSocket('udp4');
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  socket.on('message', (data, rinfo) => {
    const message = SipMessage.parse(data.toString('utf8'));
    if (message) script(message, (text) => socket.send(text, rinfo.port, rinfo.address));
  });
  t.teardown(() => new Promise<void>((resolve) => socket.close(() => resolve())));
  return socket;
}

async function clientFor(t: Test, server: Socket, options: { t1Ms?: number; timeoutMs?: number } = {}): Promise<SipTestClient> {
  const client = await SipTestClient.create({ server: { host: '127.0.0.1', port: server.address().port }, ...options });
  t.teardown(() => client.close());
  return client;
}

const OFFER = ['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', 'm=audio 40000 RTP/AVP 8 0', 'a=rtpmap:8 PCMA/8000', 'a=rtpmap:0 PCMU/8000', ''].join('\r\n');

t.test('a lost INVITE is retransmitted (Timer A) and the call still completes', async (t) => {
  const invites: number[] = [];
  const server = await fakeServer(t, (message, reply) => {
    if (message.method !== 'INVITE') return;
    invites.push(Date.now());
    if (invites.length < 3) return; // drop the first two copies
    reply(buildResponse(message, 404, { toTag: 'srv' }));
  });
  const client = await clientFor(t, server, { t1Ms: 50 });
  const call = await client.invite('echo');
  t.equal(call.status, 404);
  t.equal(invites.length, 3, 'sent three times');
  const [first = 0, second = 0, third = 0] = invites;
  // Timers never fire early, so these hold however slow the machine is.
  t.ok(second - first >= 45, `first retransmission after T1 (${second - first} ms)`);
  t.ok(third - second >= 95, `second after 2·T1 (${third - second} ms)`);
});

t.test('late offer: INVITE without SDP, our answer goes in the ACK', async (t) => {
  let invite: SipMessage | null = null;
  let gotAck: (ack: SipMessage) => void = () => undefined;
  const acked = new Promise<SipMessage>((resolve) => (gotAck = resolve));
  const server = await fakeServer(t, (message, reply) => {
    if (message.method === 'INVITE') {
      invite = message;
      reply(buildResponse(message, 200, { toTag: 'srv', headers: [['Contact', '<sip:srv@127.0.0.1>']], body: OFFER }));
    } else if (message.method === 'ACK') {
      gotAck(message);
    }
  });
  const client = await clientFor(t, server);
  const call = await client.invite('echo', { lateOffer: true, codecs: ['PCMU'] });
  t.equal(call.status, 200);
  t.equal((invite as SipMessage | null)?.body, '', 'no SDP in the INVITE');
  t.equal(call.remoteMedia?.port, 40000, 'the offer from the 200 is the remote media');
  const ack = await acked;
  t.equal(ack?.uri, 'sip:srv@127.0.0.1', 'ACK goes to the Contact of the 200');
  t.match(ack?.header('to'), /;tag=srv/);
  t.match(ack?.body, /m=audio \d+ RTP\/AVP 0\r\n/, 'answer picks PCMU with the offer\'s payload type');
  t.not(ack?.topViaBranch, call.invite.key.split('|')[0], 'the 2xx ACK is a new transaction');
});

t.test('a retransmitted 200 is ACKed again', async (t) => {
  let ok = '';
  let acks = 0;
  const resent: (() => void)[] = [];
  const server = await fakeServer(t, (message, reply) => {
    if (message.method === 'INVITE') {
      ok = buildResponse(message, 200, { toTag: 'srv', headers: [['Contact', '<sip:srv@127.0.0.1>']], body: OFFER });
      reply(ok);
      resent.push(() => reply(ok));
    } else if (message.method === 'ACK') {
      acks++;
      if (acks === 1) resent[0]?.(); // pretend the first ACK was lost
      if (acks === 2) ackedTwice();
    }
  });
  let ackedTwice: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (ackedTwice = resolve));
  const client = await clientFor(t, server);
  await client.invite('echo');
  await done;
  t.equal(acks, 2);
});

t.test('every wait is bounded and says what it waited for', async (t) => {
  const server = await fakeServer(t, () => undefined); // never answers
  const client = await clientFor(t, server, { t1Ms: 20, timeoutMs: 200 });
  await t.rejects(client.invite('echo'), { name: 'SipTestClientError', code: 'TIMEOUT', message: /final response to INVITE sip:echo@/ });
  await t.rejects(client.request('OPTIONS', 'echo'), { code: 'TIMEOUT', message: /OPTIONS/ });
  await t.rejects(client.inviteNoWait('ring').provisional(180, 100), { code: 'TIMEOUT', message: /a 180 to INVITE/ });
  await t.rejects(client.waitForResponse(() => true, 50), { code: 'TIMEOUT' });
});

t.test('raw messages: answers that match no transaction come out of waitForResponse', async (t) => {
  const server = await fakeServer(t, (message, reply) => reply(buildResponse(message, 400, { reason: 'Bad Request' })));
  const client = await clientFor(t, server);
  client.sendRaw('OPTIONS sip:echo@127.0.0.1 SIP/2.0\r\nCall-ID: raw-1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n');
  const response = await client.waitForResponse((r) => r.callId === 'raw-1');
  t.equal(response.status, 400);
});

t.test('close() is idempotent, frees the port and refuses new work', async (t) => {
  let inviteArrived: () => void = () => undefined;
  const arrived = new Promise<void>((resolve) => (inviteArrived = resolve));
  const server = await fakeServer(t, (message) => message.method === 'INVITE' && inviteArrived());
  const client = await clientFor(t, server, { timeoutMs: 5000 });
  const pending = client.invite('echo');
  await arrived;
  await Promise.all([client.close(), client.close()]);
  await t.rejects(pending, { code: 'CLOSED' }, 'an INVITE in flight fails fast');
  await t.rejects(client.invite('echo'), { code: 'CLOSED' });
  t.throws(() => client.sendRaw('x'), { code: 'CLOSED' });
});
