/**
 * SIPp scenarios for the SIP stack's behaviours beyond a basic call: hold and
 * resume, INFO DTMF, session timers both ways, REGISTER with digest then an
 * authenticated call, a call the server places, and calls completing through
 * 10% simulated loss. One behaviour per scenario (see the comment at the top
 * of each in sipp/).
 */
import t from 'tap';
import { describeSippRun, runSipp, sippMissing, sippScenario, startSipp } from '../helpers/sipp.js';
import { startBackend } from '../server/sip/fixtures/backend-harness.js';
import { OFFER_SDP } from '../server/sip/fixtures/sip-text.js';
import { startServerUnderTest } from './voxbridge-under-test.js';

const missing = sippMissing();

t.test('in-call behaviours against the echo test', { skip: missing ?? false }, async (t) => {
  const { target } = await startServerUnderTest(t);
  for (const scenario of ['uac-reinvite-hold', 'uac-info-dtmf', 'uac-session-timer']) {
    t.test(scenario, async (t) => {
      const result = await runSipp({ scenario: sippScenario(scenario), target, service: 'echo', calls: 2, rate: 10, timeoutMs: 20000 });
      t.equal(result.exitCode, 0, 'SIPp exit code 0', { sipp: describeSippRun(result) });
      t.equal(result.successful, 2);
      t.equal(result.failed, 0);
    });
  }
});

t.test('session timer refreshed by the server (UPDATE at half the interval)', { skip: missing ?? false }, async (t) => {
  const { target } = await startServerUnderTest(t, (config) => {
    config.sip.sessionExpires = 2;
    config.sip.minSessionExpires = 1;
  });
  const result = await runSipp({ scenario: sippScenario('uac-session-timer-server-refresh'), target, service: 'echo', calls: 1, timeoutMs: 20000 });
  t.equal(result.exitCode, 0, 'SIPp exit code 0', { sipp: describeSippRun(result) });
  t.equal(result.successful, 1);
});

t.test('REGISTER with digest, then an authenticated call, then unregister', { skip: missing ?? false }, async (t) => {
  const { target } = await startServerUnderTest(t, (config) => {
    config.auth.users = ['alice:secret'];
    config.auth.require = ['REGISTER', 'INVITE'];
    config.auth.algorithms = ['MD5']; // SIPp's [authentication] computes MD5 only (and reads the first challenge)
  });
  const result = await runSipp({
    scenario: sippScenario('uac-register-digest-call'),
    target,
    service: 'echo',
    calls: 1,
    timeoutMs: 20000,
    extraArgs: ['-au', 'alice', '-ap', 'secret'],
  });
  t.equal(result.exitCode, 0, 'SIPp exit code 0', { sipp: describeSippRun(result) });
  t.equal(result.successful, 1);
  const wrong = await runSipp({
    scenario: sippScenario('uac-register-digest-call'),
    target,
    service: 'echo',
    calls: 1,
    timeoutMs: 10000,
    extraArgs: ['-au', 'alice', '-ap', 'wrong'],
  });
  t.equal(wrong.failed, 1, 'a wrong password fails the scenario (403 instead of 200)');
});

t.test('a call the server places, answered by a SIPp UAS, hung up by the server', { skip: missing ?? false }, async (t) => {
  const { backend } = await startBackend(t);
  const sipp = await startSipp({ scenario: sippScenario('uas-dial-out-answer'), calls: 1, timeoutMs: 20000 });
  t.teardown(() => sipp.stop());
  const call = backend.placeCall({ target: `sip:sipp@127.0.0.1:${sipp.localPort}`, offer: OFFER_SDP });
  const progress: number[] = [];
  call.onProgress((status) => progress.push(status));
  const { dialog, answer } = await call.answered;
  t.match(answer, /m=audio \d+ RTP\/AVP 0/);
  t.same(progress, [180]);
  await dialog.hangup();
  const result = await sipp.result;
  t.equal(result.exitCode, 0, 'SIPp exit code 0', { sipp: describeSippRun(result) });
  t.equal(result.successful, 1);
});

t.test('calls complete through 10% simulated loss (retransmissions on both sides)', { skip: missing ?? false }, async (t) => {
  const { target } = await startServerUnderTest(t);
  const result = await runSipp({
    scenario: sippScenario('uac-bench-call'),
    target,
    service: 'echo',
    calls: 30,
    rate: 10,
    limit: 30,
    timeoutMs: 60000,
    extraArgs: ['-lost', '10', '-d', '200'],
  });
  t.equal(result.exitCode, 0, 'SIPp exit code 0', { sipp: describeSippRun(result) });
  t.equal(result.successful, 30);
  t.ok(Number(result.stats?.['Retransmissions(C)'] ?? 0) > 0, 'the loss really caused retransmissions');
});
