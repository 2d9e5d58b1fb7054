import t from 'tap';
import { dtmfRelayBody, readInfoBody } from '../../../server/sip/info-dtmf.js';
import type { SipRequest } from '../../../server/sip/message.js';
import { parseSipMessage } from '../../../server/sip/parser.js';
import { LIMITS } from './fixtures/fixture-files.js';
import { sipRequest } from './fixtures/sip-text.js';

function info(body: string, contentType?: string): SipRequest {
  const parsed = parseSipMessage(Buffer.from(sipRequest({ method: 'INFO', port: 5062, toTag: 't', body, contentType })), LIMITS);
  if (!parsed.ok || parsed.message.kind !== 'request') throw new Error('bad INFO');
  return parsed.message;
}

t.test('application/dtmf-relay', async (t) => {
  t.same(readInfoBody(info('Signal=5\r\nDuration=160\r\n', 'application/dtmf-relay')), { kind: 'dtmf', dtmf: { digit: '5', durationMs: 160 } });
  t.same(readInfoBody(info('signal = #\nduration= 100', 'Application/DTMF-Relay; charset=x')), { kind: 'dtmf', dtmf: { digit: '#', durationMs: 100 } }, 'case, blanks, LF');
  t.same(readInfoBody(info('Signal=a', 'application/dtmf-relay')), { kind: 'dtmf', dtmf: { digit: 'A', durationMs: 250 } }, 'default duration');
  t.same(readInfoBody(info('Signal=11\r\nDuration=0', 'application/dtmf-relay')), { kind: 'dtmf', dtmf: { digit: '#', durationMs: 250 } }, 'event code 11 is #');
  t.same(readInfoBody(info('Duration=100', 'application/dtmf-relay')), { kind: 'malformed' });
  t.same(readInfoBody(info('Signal=X', 'application/dtmf-relay')), { kind: 'malformed' });
});

t.test('application/dtmf, empty INFO, other types', async (t) => {
  t.same(readInfoBody(info('7', 'application/dtmf')), { kind: 'dtmf', dtmf: { digit: '7', durationMs: 250 } });
  t.same(readInfoBody(info('10\r\n', 'application/dtmf')), { kind: 'dtmf', dtmf: { digit: '*', durationMs: 250 } });
  t.same(readInfoBody(info('')), { kind: 'empty' });
  t.same(readInfoBody(info('<xml/>', 'application/media_control+xml')), { kind: 'unsupported' });
  t.equal(dtmfRelayBody('9', 120.4), 'Signal=9\r\nDuration=120\r\n');
});
