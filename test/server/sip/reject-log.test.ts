import { Writable } from 'node:stream';
import t from 'tap';
import { pino } from 'pino';
import type { Logger } from '../../../server/logger.js';
import { RejectLog, WINDOW_MS } from '../../../server/sip/reject-log.js';

function capture(level: 'info' | 'debug'): { lines: Array<Record<string, unknown>>; logger: Logger } {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const logger: Logger = pino({ level }, sink);
  return { lines, logger };
}

/** pino writes asynchronously through the stream: let it drain. */
const drained = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

t.test('every reject is counted; at info each reason is logged once per window with what was left out', async (t) => {
  const { lines, logger } = capture('info');
  let now = 0;
  const log = new RejectLog(logger, () => now);
  for (let i = 0; i < 5; i++) log.record('auth-failed', { status: 403, method: 'REGISTER', source: 'udp:192.0.2.1:5060', detail: 'wrong user name or password' });
  log.record('overload', { status: 503, source: 'udp:192.0.2.2:5060' });
  log.record('challenged', { status: 401, source: 'udp:192.0.2.3:5060' });
  now += WINDOW_MS;
  log.record('auth-failed', { status: 403, source: 'udp:192.0.2.1:5060' });
  await drained();
  t.same(log.counts['auth-failed'], 6);
  t.same(log.counts.overload, 1);
  t.same(log.counts.challenged, 1);
  t.same(
    lines.map((line) => [line.reject, line.suppressed, line.total]),
    [
      ['auth-failed', 0, 1],
      ['overload', 0, 1],
      ['auth-failed', 4, 6],
    ],
    'challenges (every client’s first try) are not logged at info',
  );
  t.match(lines[0], { msg: 'SIP request rejected', status: 403, method: 'REGISTER', source: 'udp:192.0.2.1:5060', detail: 'wrong user name or password' });
});

t.test('at debug every reject is logged', async (t) => {
  const { lines, logger } = capture('debug');
  const log = new RejectLog(logger, () => 0);
  for (let i = 0; i < 3; i++) log.record('malformed', { status: 400, source: 'tcp:192.0.2.9:40000' });
  await drained();
  t.equal(lines.length, 3);
});
