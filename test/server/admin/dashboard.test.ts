/**
 * The dashboard in a real headless browser (Debian chromium driven by
 * playwright-core): load the page with a token, see a live SIP call appear,
 * hang it up from the page (the caller gets a BYE), and mute a room
 * participant from the page (the room directory records the mute).
 *
 * The room here is an in-memory directory (page logic only);
 * dashboard-conference.test.ts does the same against a real conference and
 * checks that the mute silences the participant on the media.
 */
import { existsSync } from 'node:fs';
import t from 'tap';
import { chromium, type Browser } from 'playwright-core';
import { SipTestClient } from '../../helpers/sip-test-client.js';
import { TOKEN } from './fixtures/harness.js';
import { startLiveServer } from './fixtures/live-server.js';
import { MemoryRooms } from './fixtures/memory-rooms.js';

const CHROMIUM = '/usr/bin/chromium';

t.test('dashboard: live call appears, hang up and mute from the page', { skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} not installed (Debian package chromium; npm test installs it as root)` }, async (t) => {
  const rooms = new MemoryRooms();
  const server = await startLiveServer(t, { rooms });
  const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  t.teardown(() => browser.close());
  const page = await browser.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));

  // Without a token the API refuses; the page says so.
  await page.goto(`${server.admin.url}/`);
  // Page-side code as strings: this tsconfig has no DOM types.
  await page.waitForFunction("/token|disconnected/i.test(document.getElementById('status').textContent)");
  await page.fill('#token', TOKEN);
  await page.click('#connect');
  await page.waitForFunction("document.getElementById('status').textContent === 'live'");
  t.equal(await page.evaluate("sessionStorage.getItem('voxbridge-token')"), TOKEN, 'token kept in sessionStorage');

  // A live call shows up through the event stream.
  const client = await SipTestClient.create({ server: server.sip });
  t.teardown(() => client.close());
  const call = await client.invite('echo', { codecs: ['PCMU'] });
  t.equal(call.status, 200);
  const row = page.locator(`[data-testid=call]`, { hasText: 'echo' });
  await row.waitFor();
  t.equal(await page.locator('[data-testid=call]').count(), 1);

  // Hang up from the page: the caller receives BYE.
  await row.locator('[data-testid=hangup]').click();
  t.equal(await call.waitForEnd(), 'remote-bye');
  await page.locator('[data-testid=call]').waitFor({ state: 'detached' });

  // A participant (dialled into the room over real SIP) appears and is muted from the page.
  await rooms.create('demo', {});
  const dialled = await server.api('POST', '/api/dial-out', { target: `sip:echo@${server.sip.host}:${server.sip.port}`, room: 'demo' });
  const legId = (dialled.json as { legId: string }).legId;
  const participant = page.locator(`[data-testid=participant][data-participant-id="${legId}"]`);
  await participant.waitFor({ timeout: 10000 });
  await participant.locator('[data-testid=mute]').click();
  await page.locator(`[data-testid=participant][data-participant-id="${legId}"][data-muted=true]`).waitFor();
  t.equal(rooms.rooms.get('demo')?.members.get(legId)?.muted, true, 'the mute reached the room');
  await page.locator(`[data-participant-id="${legId}"] [data-testid=unmute]`).click();
  await page.locator(`[data-testid=participant][data-participant-id="${legId}"][data-muted=false]`).waitFor();
  t.equal(rooms.rooms.get('demo')?.members.get(legId)?.muted, false);
  t.same(pageErrors, [], 'no script errors on the page');
});
