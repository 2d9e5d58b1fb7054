/**
 * Robustness: tens of thousands of mutated and truncated messages, built from
 * the byte fixtures by byte flips, line surgery (drop, repeat, swap, stretch)
 * and truncation, go through the parser and then through the whole SIP core.
 * Nothing may throw, nothing may reach the core's "unexpected error" guard,
 * and a valid call must still be answered afterwards.
 */
import { Writable } from 'node:stream';
import t from 'tap';
import { pino } from 'pino';
import { defaultConfig } from '../../../config/index.js';
import { EmbeddedSipBackend } from '../../../server/signaling/embedded-backend.js';
import type { IncomingCall } from '../../../server/signaling/backend.js';
import { parseSipMessage } from '../../../server/sip/parser.js';
import type { Flow } from '../../../server/sip/transport.js';
import { fixture, LIMITS } from './fixtures/fixture-files.js';
import { UdpPeer } from './fixtures/raw-peer.js';
import { ANSWER_SDP, OFFER_SDP, sipRequest, uniqueId } from './fixtures/sip-text.js';
import { prng } from '../../helpers/prng.js';

const SOURCES = ['invite-sipp.sip', 'invite-baresip.sip', 'invite-linphone.sip', 'options.sip', 'bye.sip', 'cancel.sip', 'response-200-bye.sip'].map(fixture);
const ROUNDS = 20_000;

const NASTY = ['', ' ', ':', ';;;', '<<>>', '"', '\\', 'z9hG4bK', '0', '-1', '99999999999', '\t', 'a'.repeat(9000), ',,,', 'sip:', '\u0000', '%00', '\u00ff\u00fe'];

function mutate(source: Buffer, next: () => number): Buffer {
  const text = source.toString('latin1');
  const lines = text.split('\r\n');
  const pick = <T>(items: readonly T[]): T => items[next() % items.length] as T;
  switch (next() % 7) {
    case 0:
      return Buffer.from(source.subarray(0, next() % source.length)); // truncated anywhere
    case 1: {
      const data = Buffer.from(source);
      for (let flips = 1 + (next() % 8); flips > 0; flips--) data[next() % data.length] = next() & 0xff;
      return data;
    }
    case 2:
      lines.splice(1 + (next() % (lines.length - 1)), 1); // a header line dropped (Via, CSeq, the blank line...)
      break;
    case 3: {
      const i = 1 + (next() % (lines.length - 1));
      lines.splice(i, 0, lines[i] ?? ''); // a line repeated (duplicate single-valued headers)
      break;
    }
    case 4: {
      const i = 1 + (next() % (lines.length - 1));
      const line = lines[i] ?? '';
      const colon = line.indexOf(':');
      lines[i] = colon < 0 ? pick(NASTY) : `${line.slice(0, colon + 1)} ${pick(NASTY)}`; // a header value replaced
      break;
    }
    case 5: {
      const i = next() % lines.length;
      const j = next() % lines.length;
      [lines[i], lines[j]] = [lines[j] ?? '', lines[i] ?? '']; // two lines swapped (start line included)
      break;
    }
    default:
      lines[0] = `${pick(['INVITE', 'BYE', 'ACK', 'FOO', 'SIP/2.0', 'SIP/2.0 200', ''])} ${pick(NASTY)} ${pick(['SIP/2.0', 'SIP/3.0', ''])}`;
  }
  return Buffer.from(lines.join(next() % 10 === 0 ? '\n' : '\r\n'), 'latin1');
}

t.test(`${ROUNDS} mutations through the parser: every outcome is a ParseResult`, async (t) => {
  const next = prng(0xfeed);
  const codes = new Map<string, number>();
  let ok = 0;
  for (let i = 0; i < ROUNDS; i++) {
    const result = parseSipMessage(mutate(SOURCES[i % SOURCES.length] ?? Buffer.alloc(0), next), LIMITS);
    if (result.ok) ok++;
    else codes.set(result.error.code, (codes.get(result.error.code) ?? 0) + 1);
  }
  t.ok(ok > 0 && ok < ROUNDS, `some survive, most do not (${ok} parsed)`);
  t.ok(codes.size >= 10, `many distinct faults seen: ${[...codes.keys()].join(', ')}`);
});

t.test('the same flood through the SIP core, then a valid call is still answered', async (t) => {
  const errors: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      errors.push(chunk.toString());
      done();
    },
  });
  const config = { ...defaultConfig().sip, listen: '127.0.0.1:0' };
  const backend = new EmbeddedSipBackend({ config, logger: pino({ level: 'error' }, sink) });
  t.teardown(() => backend.close());
  const bound = await backend.start();
  const port = bound.udp?.port ?? 0;
  const peer = await UdpPeer.open();
  t.teardown(() => peer.close());
  backend.onInvite((call) => call.reject(486));

  // Straight into the core (no socket buffers to overflow); answers go to a port nobody reads.
  const flow: Flow = { transport: 'udp', remoteAddress: '127.0.0.1', remotePort: 9, localAddress: '127.0.0.1', localPort: port, connection: null };
  const next = prng(0xc0ffee);
  for (let i = 0; i < ROUNDS; i++) backend.core.receive(mutate(SOURCES[i % SOURCES.length] ?? Buffer.alloc(0), next), flow);
  t.same(errors, [], 'nothing reached the unexpected-error guard');
  const counters = backend.counters();
  t.ok(counters.rejectedMalformed + counters.droppedMalformed > ROUNDS / 2, 'most were refused as malformed');
  t.equal(counters.rejects.malformed, counters.rejectedMalformed, 'each 400 is in the reject log');

  const callId = uniqueId('after-fuzz-');
  const incoming = new Promise<IncomingCall>((resolve) => backend.onInvite(resolve));
  await peer.send(sipRequest({ method: 'INVITE', port: peer.port, callId, body: OFFER_SDP }), port);
  const call = await incoming;
  const answered = call.answer(ANSWER_SDP);
  const ok = await peer.response(200, 'INVITE');
  await peer.send(sipRequest({ method: 'ACK', port: peer.port, callId, toTag: ok.to.tag ?? '', cseq: 1 }), port);
  const { dialog } = await answered;
  t.equal(dialog.ended, false, 'the call is up');
});
