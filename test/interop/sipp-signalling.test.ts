/**
 * SIPp scenarios for voxbridge's basic SIP behaviours, one per behaviour
 * (see the comment at the top of each scenario in sipp/).
 */
import t from 'tap';
import { describeSippRun, runSipp, sippMissing, sippScenario } from '../helpers/sipp.js';
import { startServerUnderTest } from './voxbridge-under-test.js';

const missing = sippMissing();

t.test('SIPp signalling scenarios against voxbridge', { skip: missing ?? false }, async (t) => {
  const { target } = await startServerUnderTest(t, (config) => {
    config.apps.maxCallSeconds = 1; // lets uac-bye-from-server see the server's BYE quickly
  });
  const cases = [
    { scenario: 'uac-options', service: 'echo', calls: 3 },
    { scenario: 'uac-not-found', service: 'nobody', calls: 3 },
    { scenario: 'uac-unknown-method', service: 'echo', calls: 3 },
    { scenario: 'uac-cancel', service: 'ring', calls: 3 },
    { scenario: 'uac-bye-from-server', service: 'echo', calls: 1 },
  ];
  for (const { scenario, service, calls } of cases) {
    t.test(scenario, async (t) => {
      const result = await runSipp({ scenario: sippScenario(scenario), target, service, calls, rate: 10, timeoutMs: 15000 });
      t.equal(result.exitCode, 0, 'SIPp exit code 0', { sipp: describeSippRun(result) });
      t.equal(result.successful, calls);
      t.equal(result.failed, 0);
    });
  }
});
