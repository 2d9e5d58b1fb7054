import t from 'tap';
import { describeSippRun, parseStatCsv, runSipp, sippMissing, sippScenario, startSipp } from './sipp.js';
import { isListening } from './ports.js';

t.test('parseStatCsv keys the last row by column name', async (t) => {
  const csv = 'StartTime;SuccessfulCall(C);FailedCall(C);\n1;0;0;\n2;5;1;\n';
  t.same(parseStatCsv(csv), { StartTime: '2', 'SuccessfulCall(C)': '5', 'FailedCall(C)': '1', '': '' });
  t.equal(parseStatCsv(''), null, 'no file');
  t.equal(parseStatCsv('StartTime;SuccessfulCall(C)\n'), null, 'header only');
});

t.test('sippScenario points into sipp/', async (t) => {
  t.match(sippScenario('uac-echo-call'), /\/sipp\/uac-echo-call\.xml$/);
  t.match(sippScenario('peers/uas-options.xml'), /\/sipp\/peers\/uas-options\.xml$/);
});

const missing = sippMissing();

t.test('runSipp against a SIPp UAS: success is counted and exit code is 0', { skip: missing ?? false }, async (t) => {
  const uas = await startSipp({ scenario: 'uas', timeoutMs: 15000 });
  t.teardown(() => uas.stop());
  t.ok(isListening('udp', uas.localPort), 'UAS port is bound once startSipp resolves');
  const result = await runSipp({ scenario: 'uac', target: `127.0.0.1:${uas.localPort}`, calls: 2, rate: 20, timeoutMs: 10000 });
  t.equal(result.exitCode, 0, 'exit code 0', { sipp: describeSippRun(result) });
  t.equal(result.successful, 2);
  t.equal(result.failed, 0);
  t.ok(result.stats, 'the stat CSV was read');
  t.ok(result.args.includes('-nostdin'));
});

t.test('runSipp reports a failed call and a non-zero exit code', { skip: missing ?? false }, async (t) => {
  // SIPp's UAS answers 180/200, but the scenario insists on 404: an unexpected message.
  const uas = await startSipp({ scenario: 'uas', timeoutMs: 15000 });
  t.teardown(() => uas.stop());
  const result = await runSipp({
    scenario: sippScenario('uac-not-found'),
    target: `127.0.0.1:${uas.localPort}`,
    service: 'nobody',
    calls: 1,
    timeoutMs: 10000,
  });
  t.not(result.exitCode, 0);
  t.equal(result.successful, 0);
  t.equal(result.failed, 1);
  t.match(result.errors, /unexpected/i, 'the error trace says why');
  t.match(describeSippRun(result), /1 failed/);
});

t.test('a run that cannot finish is ended by the timeout and counted as failed', { skip: missing ?? false }, async (t) => {
  // A UAS that is never called: -timeout_error makes it exit non-zero after 1 s.
  const uas = await startSipp({ scenario: 'uas', timeoutMs: 1000 });
  t.teardown(() => uas.stop());
  const result = await uas.result;
  t.not(result.exitCode, 0, 'exit code not 0', { sipp: describeSippRun(result) });
  const stopped = await uas.stop();
  t.equal(stopped, result, 'stop after exit returns the same result');
});
