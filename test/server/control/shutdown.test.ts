import t from 'tap';
import { pino } from 'pino';
import { CallDirectory } from '../../../server/control/call-directory.js';
import { gracefulShutdown } from '../../../server/control/shutdown.js';
import { SipTestClient } from '../../helpers/sip-test-client.js';
import { fakeCall } from '../admin/fixtures/harness.js';
import { startLiveServer } from '../admin/fixtures/live-server.js';

const logger = pino({ level: 'silent' });

t.test('calls that end within the grace period get no BYE; steps run in order', async (t) => {
  const calls = new CallDirectory();
  const a = fakeCall(calls, 'a');
  const steps: string[] = [];
  let releaseGrace = (): void => undefined;
  const report = gracefulShutdown({
    calls,
    graceSeconds: 30,
    logger,
    stopAccepting: () => void steps.push('stop accepting'),
    flushRecordings: async () => void steps.push('flush'),
    close: async () => void steps.push('close'),
    // The grace timer never fires on its own here: the drain must end the wait.
    wait: () => new Promise((resolve) => (releaseGrace = resolve)),
  });
  await Promise.resolve();
  t.same(steps, ['stop accepting']);
  calls.remove('a'); // the caller hangs up during the grace period
  t.same(await report, { endedByThemselves: 1, hungUp: 0 });
  t.same(a.hungUp, []);
  t.same(steps, ['stop accepting', 'flush', 'close']);
  releaseGrace();
});

t.test('after the grace period the remaining calls get BYE', async (t) => {
  const calls = new CallDirectory();
  const records = ['x', 'y'].map((id) => fakeCall(calls, id));
  const waited: number[] = [];
  const report = await gracefulShutdown({
    calls,
    graceSeconds: 5,
    logger,
    stopAccepting: () => undefined,
    close: async () => undefined,
    wait: async (ms) => void waited.push(ms),
  });
  t.same(waited, [5000]);
  t.same(report, { endedByThemselves: 0, hungUp: 2 });
  t.same(records.map((r) => r.hungUp), [['server shutting down'], ['server shutting down']]);
});

t.test('a real call is ended with BYE and readiness drops', async (t) => {
  const server = await startLiveServer(t);
  const client = await SipTestClient.create({ server: server.sip });
  t.teardown(() => client.close());
  const call = await client.invite('echo', { codecs: ['PCMU'] });
  t.equal(call.status, 200);
  let readyDuringDrain = 0;
  const report = await gracefulShutdown({
    calls: server.calls,
    graceSeconds: 0,
    logger,
    stopAccepting: async () => {
      server.control.stopAccepting();
      readyDuringDrain = (await fetch(`${server.admin.url}/ready`)).status;
    },
    flushRecordings: () => server.control.recordings.stopAll(),
    close: () => server.close(),
  });
  t.equal(readyDuringDrain, 503);
  t.same(report, { endedByThemselves: 0, hungUp: 1 });
  t.equal(await call.waitForEnd(), 'remote-bye');
});
