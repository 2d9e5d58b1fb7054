/**
 * Proves the SIP test client against SIPp as the far end (built-in `uas`,
 * with -rtp_echo for audio, and the peers in sipp/peers/), so the client is
 * known-good before it is pointed at voxbridge.
 */
import t, { type Test } from 'tap';
import { SipTestClient } from './sip-test-client.js';
import { startSipp, sippMissing, sippScenario, describeSippRun, type SippOptions, type SippProcess } from './sipp.js';
import { dominantFrequency, fitTone, levelDbfs, steadyPart } from './audio.js';

const missing = sippMissing();
if (missing) t.comment(`skipping SIPp-backed client tests: ${missing}`);


async function farEnd(t: Test, options: Omit<SippOptions, 'timeoutMs'>, transport: 'udp' | 'tcp' = 'udp') {
  const sipp: SippProcess = await startSipp({ timeoutMs: 20000, transport, ...options });
  const client = await SipTestClient.create({ server: { host: '127.0.0.1', port: sipp.localPort }, transport });
  t.teardown(async () => {
    await client.close();
    await sipp.stop();
  });
  return { sipp, client };
}

t.test('echo call over UDP: SDP, tone through SIPp -rtp_echo, BYE', { skip: missing ?? false }, async (t) => {
  const { sipp, client } = await farEnd(t, { scenario: 'uas', rtpEcho: true });
  const call = await client.invite('echo', { codecs: ['PCMU'], ptime: 20 });
  t.equal(call.status, 200);
  t.same(call.responses, [180, 200], 'SIPp UAS rings, then answers');
  t.match(call.answerSdp, /m=audio \d+ RTP\/AVP 0/);
  t.equal(call.remoteMedia?.port, sipp.mediaPort, 'RTP goes to the port SIPp answered with');
  t.equal(call.remoteMedia?.codec, 'PCMU');

  const sent = await call.sendTone({ frequency: 1000, dbfs: -10, durationMs: 1000 });
  t.equal(sent, 50, '1 s of 20 ms packets');
  await call.waitForRtp(sent);
  const { packets, pcm } = call.received();
  t.equal(packets.length, 50);
  t.ok(packets.every((p) => p.payloadType === 0 && p.payloadBytes === 160));
  t.equal(packets[0]?.marker, true, 'first packet of the talkspurt is marked');
  const steady = steadyPart(pcm, 8000, 100);
  t.ok(steady.length >= 6000, `steady audio: ${steady.length} samples`);
  t.ok(Math.abs(dominantFrequency(steady, 8000) - 1000) < 2, 'echoed tone is 1 kHz');
  t.ok(Math.abs(levelDbfs(steady) - -10) < 0.5, `echoed level ${levelDbfs(steady).toFixed(2)} dBFS`);
  t.ok(fitTone(steady, 1000, 8000).snrDb > 35, 'only G.711 noise on top');

  const bye = await call.hangup();
  t.equal(bye.status, 200);
  t.equal(bye.method, 'BYE');
  t.equal(call.ended, true);
});

t.test('PCMA audio is encoded and decoded with the A-law', { skip: missing ?? false }, async (t) => {
  const { client } = await farEnd(t, { scenario: 'uas', rtpEcho: true });
  const call = await client.invite('echo', { codecs: ['PCMA'] });
  const sent = await call.sendTone({ frequency: 700, dbfs: -20, durationMs: 400, codec: 'PCMA' });
  await call.waitForRtp(sent);
  const { packets, pcm } = call.received();
  t.ok(packets.every((p) => p.payloadType === 8), 'echoed with payload type 8');
  const steady = steadyPart(pcm, 8000, 60);
  t.ok(Math.abs(dominantFrequency(steady, 8000) - 700) < 2);
  t.ok(Math.abs(levelDbfs(steady) - -20) < 0.5, `level ${levelDbfs(steady).toFixed(2)}`);
  await call.hangup();
});

t.test('TCP transport: call set-up and BYE on one connection', { skip: missing ?? false }, async (t) => {
  const { client } = await farEnd(t, { scenario: 'uas' }, 'tcp');
  t.equal(client.local.transport, 'tcp');
  const call = await client.invite('echo');
  t.equal(call.status, 200);
  t.equal((await call.hangup()).status, 200);
});

t.test('CANCEL of a ringing call: 200 to CANCEL, 487 to INVITE, ACK sent', { skip: missing ?? false }, async (t) => {
  const { sipp, client } = await farEnd(t, { scenario: sippScenario('peers/uas-ring-until-cancel'), calls: 1 });
  const pending = client.inviteNoWait('ring');
  const ringing = await pending.provisional(180);
  t.equal(ringing.status, 180);
  t.same(await pending.cancel(), { cancelStatus: 200, inviteStatus: 487 });
  const call = await pending.call();
  t.same(call.responses, [100, 180, 487]);
  const result = await sipp.result; // the peer only succeeds once it got our ACK
  t.equal(result.exitCode, 0, 'the SIPp peer saw the whole dialog', { sipp: describeSippRun(result) });
});

t.test('a 404 is ACKed and reported through status', { skip: missing ?? false }, async (t) => {
  const { sipp, client } = await farEnd(t, { scenario: sippScenario('peers/uas-not-found'), calls: 1 });
  const call = await client.invite('nobody');
  t.equal(call.status, 404);
  t.same(call.responses, [100, 404]);
  await t.rejects(call.hangup(), { code: 'PROTOCOL' }, 'no dialog to hang up');
  const result = await sipp.result;
  t.equal(result.exitCode, 0, 'the SIPp peer saw the whole dialog', { sipp: describeSippRun(result) });
});

t.test('out-of-dialog requests: OPTIONS and an unknown method', { skip: missing ?? false }, async (t) => {
  const options = await farEnd(t, { scenario: sippScenario('peers/uas-options') });
  const ok = await options.client.request('OPTIONS', 'echo', { extraHeaders: { Accept: 'application/sdp' } });
  t.equal(ok.status, 200);
  t.match(ok.header('allow'), /INVITE/);
  t.equal(ok.header('Accept'), 'application/sdp');

  const foo = await farEnd(t, { scenario: sippScenario('peers/uas-not-implemented') });
  const refused = await foo.client.request('FOO', 'echo');
  t.equal(refused.status, 501);
  t.equal(refused.method, 'FOO');
});

t.test('a BYE from the far end is answered 200 and ends the call', { skip: missing ?? false }, async (t) => {
  const { sipp, client } = await farEnd(t, { scenario: sippScenario('peers/uas-answer-then-bye'), calls: 1 });
  const seen: string[] = [];
  client.onRequest((request) => {
    seen.push(request.message.method);
    return false; // let the built-in BYE answer run
  });
  const call = await client.invite('echo');
  t.equal(call.status, 200);
  t.equal(await call.waitForEnd(), 'remote-bye');
  t.equal(call.byeReceived?.method, 'BYE');
  t.same(seen, ['BYE'], 'handlers see the request first');
  const result = await sipp.result; // the peer succeeds only when its BYE got 200
  t.equal(result.exitCode, 0, 'the SIPp peer saw the whole dialog', { sipp: describeSippRun(result) });
});
