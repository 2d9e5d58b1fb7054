import t from 'tap';
import type { SipMessage } from '../../../server/sip/message.js';
import { parseSipMessage } from '../../../server/sip/parser.js';
import { activeAfterUac, activeAfterUas, decideAsUas, readMinSE, readSessionExpires, refreshDelayMs, uasResponseFields } from '../../../server/sip/session-timer.js';
import { LIMITS } from './fixtures/fixture-files.js';
import { sipRequest } from './fixtures/sip-text.js';

const POLICY = { sessionExpires: 1800, minSE: 90 };

function invite(extra: string[]): SipMessage {
  const parsed = parseSipMessage(Buffer.from(sipRequest({ method: 'INVITE', port: 5062, extra })), LIMITS);
  if (!parsed.ok) throw new Error('bad INVITE');
  return parsed.message;
}

t.test('reading Session-Expires and Min-SE', async (t) => {
  t.same(readSessionExpires(invite(['Session-Expires: 600;refresher=UAS']).headers), { interval: 600, refresher: 'uas' });
  t.same(readSessionExpires(invite(['x: 300']).headers), { interval: 300, refresher: null }, 'compact form');
  t.equal(readSessionExpires(invite(['Session-Expires: soon']).headers), null);
  t.equal(readSessionExpires(invite([]).headers), null);
  t.equal(readMinSE(invite(['Min-SE: 120']).headers), 120);
  t.equal(readMinSE(invite([]).headers), 0);
});

t.test('RFC 4028 decisions as UAS', async (t) => {
  t.same(decideAsUas(invite(['Supported: timer', 'Session-Expires: 60']), POLICY), { kind: 'too-small', minSE: 90 }, '422 below Min-SE');
  t.same(decideAsUas(invite(['Supported: timer', 'Session-Expires: 600']), POLICY), { kind: 'use', interval: 600, refresher: 'uac', requireTimer: true }, 'the UAC refreshes when it supports timers');
  t.same(decideAsUas(invite(['Supported: timer', 'Session-Expires: 600;refresher=uas']), POLICY), { kind: 'use', interval: 600, refresher: 'uas', requireTimer: true }, 'its choice is kept');
  t.same(decideAsUas(invite(['Session-Expires: 600;refresher=uac']), POLICY), { kind: 'use', interval: 600, refresher: 'uas', requireTimer: false }, 'no timer support: we must refresh');
  t.same(decideAsUas(invite([]), POLICY), { kind: 'use', interval: 1800, refresher: 'uas', requireTimer: false }, 'we ask for one ourselves');
  t.same(decideAsUas(invite(['Supported: timer', 'Min-SE: 2000']), POLICY), { kind: 'use', interval: 2000, refresher: 'uac', requireTimer: true }, 'never below their Min-SE');
  t.same(decideAsUas(invite([]), { sessionExpires: 0, minSE: 90 }), { kind: 'none' });
  t.same(uasResponseFields({ kind: 'use', interval: 600, refresher: 'uac', requireTimer: true }), [
    { name: 'session-expires', value: '600;refresher=uac' },
    { name: 'require', value: 'timer' },
  ]);
  t.same(activeAfterUas({ kind: 'use', interval: 600, refresher: 'uas', requireTimer: false }), { interval: 600, weRefresh: true });
});

t.test('as UAC, and the refresh schedule', async (t) => {
  t.same(activeAfterUac(invite(['Session-Expires: 300;refresher=uac']), null), { interval: 300, weRefresh: true });
  t.same(activeAfterUac(invite(['Session-Expires: 300;refresher=uas']), null), { interval: 300, weRefresh: false });
  t.same(activeAfterUac(invite([]), { interval: 90, weRefresh: true }), { interval: 90, weRefresh: true }, 'no Session-Expires: ours stays');
  t.equal(refreshDelayMs({ interval: 1800, weRefresh: true }), 900_000, 'the refresher at half');
  t.equal(refreshDelayMs({ interval: 1800, weRefresh: false }), 1_768_000, 'the other side at SE - 32 s');
  t.equal(refreshDelayMs({ interval: 90, weRefresh: false }), 60_000, 'or SE - SE/3');
});
