/**
 * The dashboard driving a real conference in a headless browser: two SIP
 * callers in conf-demo, each sending a tone; the page shows both as
 * participants, and muting one from the page takes effect on the media —
 * the other caller stops hearing its tone.
 */
import { existsSync } from 'node:fs';
import t from 'tap';
import { chromium, type Browser } from 'playwright-core';
import { goertzelPower, powerToDbfs } from '../../helpers/audio.js';
import { SipTestClient, type SipTestCall } from '../../helpers/sip-test-client.js';
import { eventually, startServerUnderTest } from '../../interop/voxbridge-under-test.js';

const CHROMIUM = '/usr/bin/chromium';
const TOKEN = 'dashboard-conference-token-0123456789';

function toneDb(call: SipTestCall, fromPacket: number, toPacket: number, frequency: number): number {
  const pcm = call.received().pcm.subarray(fromPacket * 160, toPacket * 160);
  return powerToDbfs(goertzelPower(pcm, frequency, 8000));
}

/** dBFS of `frequency` in what `listener` receives over the next `packets` packets while `talker` sends it. */
async function hears(talker: SipTestCall, listener: SipTestCall, frequency: number): Promise<number> {
  const sending = talker.sendTone({ frequency, dbfs: -16, durationMs: 1400, codec: 'PCMU' });
  const start = listener.received().packets.length;
  await listener.waitForRtp(start + 60);
  const level = toneDb(listener, start + 20, start + 60, frequency);
  await sending;
  return level;
}

t.test('dashboard: mute a conference participant and the others stop hearing it', { skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} not installed (Debian package chromium; npm test installs it as root)` }, async (t) => {
  const { server, udp } = await startServerUnderTest(t, (config) => {
    config.admin.tokens = [TOKEN];
    config.conference.defaults.sampleRate = 8000;
    config.conference.defaults.joinLeaveTones = false;
    // Test tones are not speech: find talkers by level.
    config.conference.defaults.talkerDetection = 'level';
  });
  const url = server.admin?.url;
  if (url === undefined) throw new Error('admin API not started');
  const calls: SipTestCall[] = [];
  for (const user of ['alice', 'bob']) {
    const client = await SipTestClient.create({ server: udp, user });
    t.teardown(() => client.close());
    const call = await client.invite('conf-demo', { codecs: ['PCMU'] });
    t.equal(call.status, 200, `${user} is in`);
    calls.push(call);
  }
  const [alice, bob] = calls;
  if (alice === undefined || bob === undefined) throw new Error('calls missing');
  t.ok(await eventually(async () => (await server.conference.get('demo'))?.participants === 2), 'both joined');
  const aliceId = (await server.conference.participants('demo')).find((p) => p.callId === alice.callId)?.id ?? '';

  const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  t.teardown(() => browser.close());
  const page = await browser.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(`${url}/`);
  await page.fill('#token', TOKEN);
  await page.click('#connect');
  await page.waitForFunction("document.getElementById('status').textContent === 'live'");

  const before = await hears(alice, bob, 700);
  t.ok(before > -30, `bob hears alice before the mute (${before.toFixed(1)} dBFS)`);

  const row = page.locator(`[data-testid=participant][data-participant-id="${aliceId}"]`);
  await row.waitFor({ timeout: 10000 });
  await row.locator('[data-testid=mute]').click();
  await page.locator(`[data-testid=participant][data-participant-id="${aliceId}"][data-muted=true]`).waitFor();
  const state = await server.engine.request('room.stats', { roomId: 'demo' });
  t.equal(state.participants.find((p) => p.legId === aliceId)?.muted, true, 'the media engine has alice muted');

  const after = await hears(alice, bob, 700);
  t.ok(after < before - 30, `bob no longer hears alice (${after.toFixed(1)} dBFS)`);
  t.same(pageErrors, [], 'no script errors on the page');
  for (const call of calls) await call.hangup();
});
