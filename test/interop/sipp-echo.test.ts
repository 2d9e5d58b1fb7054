/**
 * SIPp against voxbridge's echo app: a load run of signalling-only calls, and
 * one call that plays a real PCMA capture whose echo is checked through the
 * server's closed-leg stats (SIPp cannot judge returned audio itself).
 */
import t from 'tap';
import { existsSync } from 'node:fs';
import { describeSippRun, runSipp, sippMissing, sippScenario } from '../helpers/sipp.js';
import { eventually, startServerUnderTest } from './voxbridge-under-test.js';

const missing = sippMissing();
/** The capture uac-pcap-echo.xml plays; Debian's sip-tester ships it. */
const PCAP = '/usr/share/sip-tester/g711a.pcap';
const pcapMissing = missing ?? (existsSync(PCAP) ? null : `${PCAP} is missing (it comes with Debian's sip-tester)`);

t.test('200 echo calls at 50 calls/s all succeed', { skip: missing ?? false }, async (t) => {
  const { server, target } = await startServerUnderTest(t);
  const result = await runSipp({ scenario: sippScenario('uac-echo-call'), target, service: 'echo', calls: 200, rate: 50, timeoutMs: 60000 });
  t.equal(result.exitCode, 0, 'SIPp exit code 0', { sipp: describeSippRun(result) });
  t.equal(result.successful, 200);
  t.equal(result.failed, 0);
  t.ok(await eventually(() => server.activeCalls() === 0), `every call was torn down (${server.activeCalls()} left)`);
});

t.test('a PCMA capture played into the echo app comes back', { skip: pcapMissing ?? false }, async (t) => {
  const { server, target } = await startServerUnderTest(t);
  const result = await runSipp({ scenario: sippScenario('uac-pcap-echo'), target, service: 'echo', calls: 1, timeoutMs: 30000 });
  t.equal(result.exitCode, 0, 'SIPp exit code 0', { sipp: describeSippRun(result) });
  t.equal(result.successful, 1);
  t.ok(await eventually(() => server.closedLegStats().length === 1), 'the one leg closed');
  const legs = server.closedLegStats();
  const leg = legs[0];
  if (!leg) return;
  // g711a.pcap holds 236 RTP packets of 30 ms; the offer asks for ptime 30, so echo packets match 1:1.
  t.ok(leg.rx.packets >= 230, `received ${leg.rx.packets} of 236 packets`);
  t.ok(Math.abs(leg.tx.packets - leg.rx.packets) <= leg.rx.packets * 0.1, `sent back ${leg.tx.packets} for ${leg.rx.packets}`);
  t.equal(leg.rx.malformed, 0);
  t.not(leg.latchedSource, null, 'latched onto SIPp\'s RTP source');
});

