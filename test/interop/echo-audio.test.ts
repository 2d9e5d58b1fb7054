/**
 * End to end through voxbridge's echo app with the in-process SIP test client:
 * a tone goes out as G.711 RTP and must come back at the same frequency and
 * level (the echo app decodes, jitter-buffers and re-encodes it).
 */
import t, { type Test } from 'tap';
import { SipTestClient, type SipTestCall, type SipTestTransport } from '../helpers/sip-test-client.js';
import { dominantFrequency, fitTone, levelDbfs, steadyPart } from '../helpers/audio.js';
import { startServerUnderTest } from './voxbridge-under-test.js';

async function callEcho(t: Test, codec: 'PCMU' | 'PCMA', transport: SipTestTransport = 'udp'): Promise<SipTestCall> {
  const { udp, tcp } = await startServerUnderTest(t);
  const server = transport === 'tcp' ? tcp : udp;
  if (!server) throw new Error(`voxbridge has no ${transport} listener`);
  const client = await SipTestClient.create({ server, transport });
  t.teardown(() => client.close());
  const call = await client.invite('echo', { codecs: [codec], ptime: 20 });
  t.equal(call.status, 200, 'echo answers');
  t.equal(call.remoteMedia?.codec, codec, `answer chooses ${codec}`);
  return call;
}

/** Streams 1 s of 1 kHz at -10 dBFS, waits for the echo, checks it, hangs up. */
async function checkToneEcho(t: Test, call: SipTestCall, codec: 'PCMU' | 'PCMA'): Promise<void> {
  const sent = await call.sendTone({ frequency: 1000, dbfs: -10, durationMs: 1000, codec });
  t.equal(sent, 50);
  // The jitter buffer may hold back or conceal a few frames at the edges; most must come back.
  await call.waitForRtp(45);
  const { packets, pcm } = call.received();
  t.ok(packets.every((p) => p.payloadType === call.remoteMedia?.payloadType), 'echo uses the negotiated payload type');
  const steady = steadyPart(pcm, 8000, 100);
  t.ok(steady.length >= 8000 * 0.6, `at least 600 ms of steady echo (${steady.length} samples)`);
  const frequency = dominantFrequency(steady, 8000);
  t.ok(Math.abs(frequency - 1000) <= 20, `echoed frequency ${frequency.toFixed(1)} Hz`);
  const level = levelDbfs(steady);
  t.ok(Math.abs(level - -10) <= 1, `echoed level ${level.toFixed(2)} dBFS`);
  const snr = fitTone(steady, 1000, 8000).snrDb;
  t.ok(snr > 25, `echo is clean: SNR ${snr.toFixed(1)} dB`);
  t.equal((await call.hangup()).status, 200, 'BYE answered 200');
}

t.test('PCMU tone comes back at 1 kHz, -10 dBFS', async (t) => {
  const call = await callEcho(t, 'PCMU');
  await checkToneEcho(t, call, 'PCMU');
});

t.test('PCMA tone comes back at 1 kHz, -10 dBFS', async (t) => {
  const call = await callEcho(t, 'PCMA');
  await checkToneEcho(t, call, 'PCMA');
});

t.test('the same over SIP on TCP', async (t) => {
  const call = await callEcho(t, 'PCMU', 'tcp');
  await checkToneEcho(t, call, 'PCMU');
});

t.test('RTP comes back to the port we offered, from the port voxbridge answered with', async (t) => {
  const call = await callEcho(t, 'PCMU');
  await call.sendTone({ frequency: 440, dbfs: -20, durationMs: 200 });
  await call.waitForRtp(5);
  const sources = new Set(call.received().packets.map((p) => p.source));
  t.same([...sources], [`${call.remoteMedia?.address}:${call.remoteMedia?.port}`], 'symmetric RTP');
  await call.hangup();
});
