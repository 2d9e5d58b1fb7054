/**
 * Several SIP test clients in one conference room, each sending its own
 * tone: everyone hears the others and not themselves (N−1), a silent
 * participant hears the shared mix of all talkers, the in-room DTMF menu
 * (*6 over SIP INFO) mutes a caller, and the last one out ends the room.
 */
import t from 'tap';
import { goertzelPower, powerToDbfs } from '../helpers/audio.js';
import { SipTestClient, type SipTestCall } from '../helpers/sip-test-client.js';
import { eventually, startServerUnderTest } from './voxbridge-under-test.js';

const TONES = [440, 1000, 1700] as const;

function toneDb(pcm: Int16Array, frequency: number): number {
  return powerToDbfs(goertzelPower(pcm, frequency, 8000));
}

/** The audio a call received between packet counts `from` and `to` (20 ms PCMU packets). */
function window(call: SipTestCall, from: number, to: number): Int16Array {
  return call.received().pcm.subarray(from * 160, to * 160);
}

async function dtmfInfo(call: SipTestCall, digit: string): Promise<void> {
  const response = await call.request('INFO', { contentType: 'application/dtmf-relay', body: `Signal=${digit}\r\nDuration=100\r\n` });
  if (response.status !== 200) throw new Error(`INFO answered ${response.status}`);
}

t.test('three talkers and a listener in one room', async (t) => {
  const { server, udp } = await startServerUnderTest(t, (config) => {
    config.media.inProcess = true;
    config.conference.defaults.joinLeaveTones = false;
    config.conference.defaults.sampleRate = 8000;
    // Test tones are not speech: find talkers by level.
    config.conference.defaults.talkerDetection = 'level';
    config.log.level = process.env.CONF_LOG === '1' ? 'debug' : 'silent';
  });
  const calls: SipTestCall[] = [];
  for (let i = 0; i < 4; i++) {
    const client = await SipTestClient.create({ server: udp, user: `p${i}` });
    t.teardown(() => client.close());
    const call = await client.invite('conf-standup', { codecs: ['PCMU'] });
    t.equal(call.status, 200, `participant ${i} is answered`);
    calls.push(call);
  }
  t.ok(await eventually(async () => (await server.conference.get('standup'))?.participants === 4), 'four participants in the room');

  const talkers = calls.slice(0, 3);
  const listener = calls[3];
  if (listener === undefined) throw new Error('no listener');
  const sending = talkers.map((call, i) => call.sendTone({ frequency: TONES[i] ?? 440, dbfs: -16, durationMs: 2200, codec: 'PCMU' }));
  const marks = await Promise.all(calls.map(async (call) => {
    await call.waitForRtp(call.received().packets.length + 40);
    const start = call.received().packets.length;
    await call.waitForRtp(start + 50);
    return start;
  }));
  talkers.forEach((call, i) => {
    const pcm = window(call, marks[i] ?? 0, (marks[i] ?? 0) + 50);
    const own = toneDb(pcm, TONES[i] ?? 0);
    for (const [j, frequency] of TONES.entries()) {
      if (j === i) continue;
      const other = toneDb(pcm, frequency);
      t.ok(other > -30, `talker ${i} hears ${frequency} Hz (${other.toFixed(1)} dBFS)`);
      t.ok(own < other - 25, `talker ${i} does not hear itself: ${own.toFixed(1)} dBFS vs ${other.toFixed(1)}`);
    }
  });
  const shared = window(listener, marks[3] ?? 0, (marks[3] ?? 0) + 50);
  for (const frequency of TONES) t.ok(toneDb(shared, frequency) > -30, `the silent participant hears ${frequency} Hz`);
  await Promise.all(sending);

  // *6 from talker 0 mutes it: the others stop hearing 440 Hz.
  const first = talkers[0];
  const second = talkers[1];
  if (first === undefined || second === undefined) throw new Error('no talkers');
  await dtmfInfo(first, '*');
  await dtmfInfo(first, '6');
  t.ok(
    await eventually(async () => (await server.conference.participants('standup')).find((p) => p.callId === first.callId)?.muted === true),
    'the menu muted talker 0',
  );
  const again = [first.sendTone({ frequency: 440, dbfs: -16, durationMs: 1600, codec: 'PCMU' }), second.sendTone({ frequency: 1000, dbfs: -16, durationMs: 1600, codec: 'PCMU' })];
  const start = listener.received().packets.length;
  await listener.waitForRtp(start + 60);
  const muted = window(listener, start + 20, start + 60);
  t.ok(toneDb(muted, 440) < toneDb(muted, 1000) - 25, `the muted talker is not heard (${toneDb(muted, 440).toFixed(1)} vs ${toneDb(muted, 1000).toFixed(1)} dBFS)`);
  await Promise.all(again);

  for (const call of calls) t.equal((await call.hangup()).status, 200);
  t.ok(await eventually(async () => (await server.conference.list()).length === 0), 'the last one out ended the room');
});

t.test('locked and full rooms turn callers away; unknown names are 404', async (t) => {
  const { server, udp } = await startServerUnderTest(t, (config) => {
    config.media.inProcess = true;
    config.conference.defaults.maxParticipants = 1;
    config.log.level = process.env.CONF_LOG === '1' ? 'debug' : 'silent';
  });
  const client = await SipTestClient.create({ server: udp });
  t.teardown(() => client.close());
  const first = await client.invite('conf-small');
  t.equal(first.status, 200);
  t.ok(await eventually(async () => (await server.conference.get('small'))?.participants === 1), 'the first caller is in');
  const second = await client.invite('conf-small');
  t.equal(second.status, 486, 'full');
  await server.conference.lock('small', true);
  await server.conference.updateParticipant('small', (await server.conference.participants('small'))[0]?.id ?? '', { deaf: true });
  t.equal((await client.invite('conf-small')).status, 403, 'locked');
  t.equal((await client.invite('conf-bad/name')).status, 404, 'not a room name');
  await first.hangup();
});
