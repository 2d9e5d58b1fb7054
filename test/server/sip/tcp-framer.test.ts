import t from 'tap';
import { SipStreamFramer, findContentLength, type FrameResult } from '../../../server/sip/tcp-framer.js';
import { fixture } from './fixtures/fixture-files.js';

function drain(framer: SipStreamFramer): FrameResult[] {
  const out: FrameResult[] = [];
  for (let frame = framer.next(); frame !== null; frame = framer.next()) out.push(frame);
  return out;
}

t.test('frames back-to-back messages split at every byte boundary', async (t) => {
  const invite = fixture('invite-sipp.sip');
  const options = fixture('options.sip');
  const stream = Buffer.concat([Buffer.from('\r\n'), invite, options]);
  for (let cut = 1; cut < stream.length; cut += 7) {
    const framer = new SipStreamFramer(16384);
    framer.push(stream.subarray(0, cut));
    const frames = drain(framer);
    framer.push(stream.subarray(cut));
    frames.push(...drain(framer));
    const messages = frames.filter((f) => f.kind === 'message').map((f) => (f.kind === 'message' ? f.data.toString('latin1') : ''));
    if (messages.length !== 2 || messages[0] !== invite.toString('latin1') || messages[1] !== options.toString('latin1')) {
      t.fail(`wrong framing with a cut at ${cut}`);
      return;
    }
  }
  t.pass('every cut frames the same two messages');
});

t.test('double CRLF is a keep-alive ping', async (t) => {
  const framer = new SipStreamFramer(16384);
  framer.push(Buffer.from('\r\n\r\n'));
  t.same(drain(framer), [{ kind: 'ping' }]);
  t.equal(framer.buffered, 0);
});

t.test('framing errors kill the framer', async (t) => {
  const tooBig = new SipStreamFramer(1024);
  tooBig.push(Buffer.from('INVITE sip:a@b SIP/2.0\r\n' + 'X: y\r\n'.repeat(300)));
  const [error] = drain(tooBig);
  t.match(error, { kind: 'error', status: 513, head: null });
  t.ok(tooBig.failed);
  tooBig.push(Buffer.from('OPTIONS sip:a SIP/2.0\r\n\r\n'));
  t.same(drain(tooBig), [], 'nothing after an error');

  const badLength = new SipStreamFramer(16384);
  badLength.push(Buffer.from(fixture('options.sip').toString().replace('Content-Length: 0', 'Content-Length: -5')));
  const [bad] = drain(badLength);
  t.match(bad, { kind: 'error', status: 400 });
  t.ok(bad?.kind === 'error' && bad.head !== null, 'the header section comes along for a 400');

  const bodyTooBig = new SipStreamFramer(2048);
  bodyTooBig.push(Buffer.from(fixture('options.sip').toString().replace('Content-Length: 0', 'Content-Length: 100000')));
  t.match(drain(bodyTooBig), [{ kind: 'error', status: 513 }]);
});

t.test('Content-Length lookup', async (t) => {
  t.equal(findContentLength('INVITE x SIP/2.0\r\nl: 12\r\nVia: x'), 12);
  t.equal(findContentLength('INVITE x SIP/2.0\r\nContent-Length : 3'), 3);
  t.equal(findContentLength('INVITE x SIP/2.0\r\nVia: x'), undefined);
  t.equal(findContentLength('INVITE x SIP/2.0\r\nl: 1\r\nContent-Length: 1'), null);
  t.equal(findContentLength('INVITE x SIP/2.0\r\nContent-Length: 1e3'), null);
});
