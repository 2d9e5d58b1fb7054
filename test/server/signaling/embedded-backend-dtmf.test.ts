import t from 'tap';
import type { DtmfEvent } from '../../../server/signaling/backend.js';
import { headerValue } from '../../../server/sip/message.js';
import { answeredCall } from '../sip/fixtures/answered-call.js';
import { okFor } from '../sip/fixtures/raw-peer.js';

t.test('SIP INFO DTMF reaches Dialog.onDtmf in both formats; other bodies get 415 or 400', async (t) => {
  const { dialog, send, peer } = await answeredCall(t);
  const events: DtmfEvent[] = [];
  dialog.onDtmf((event) => events.push(event));
  await send('INFO', { cseq: 2, body: 'Signal=5\r\nDuration=160\r\n', contentType: 'application/dtmf-relay' });
  await peer.response(200, 'INFO');
  await send('INFO', { cseq: 3, body: '#', contentType: 'application/dtmf' });
  await peer.response(200, 'INFO');
  t.same(events, [
    { digit: '5', durationMs: 160, source: 'info' },
    { digit: '#', durationMs: 250, source: 'info' },
  ]);
  await send('INFO', { cseq: 4, body: '<x/>', contentType: 'application/media_control+xml' });
  const unsupported = await peer.response(415, 'INFO');
  t.equal(headerValue(unsupported.headers, 'accept'), 'application/dtmf-relay, application/dtmf');
  await send('INFO', { cseq: 5, body: 'Signal=Q', contentType: 'application/dtmf-relay' });
  await peer.response(400, 'INFO');
  await send('INFO', { cseq: 6 });
  await peer.response(200, 'INFO');
  t.equal(events.length, 2, 'only real keys become events');
  dialog.onDtmf(() => {
    throw new Error('listener bug');
  });
  await send('INFO', { cseq: 7, body: '1', contentType: 'application/dtmf' });
  await peer.response(200, 'INFO');
  t.equal(events.length, 3, 'a throwing listener does not stop the others');
});

t.test('sendDtmf sends INFO application/dtmf-relay; a refusal rejects with its status', async (t) => {
  const { dialog, peer } = await answeredCall(t);
  const sent = dialog.sendDtmf('7', 120);
  const info = await peer.request('INFO');
  t.equal(headerValue(info.headers, 'content-type'), 'application/dtmf-relay');
  t.equal(info.body.toString(), 'Signal=7\r\nDuration=120\r\n');
  await peer.send(okFor(info), Number(info.via[0]?.port));
  await sent;
  await t.rejects(dialog.sendDtmf('x'), { code: 'ERR_SIP_STATE' });
  const refused = dialog.sendDtmf('1');
  const second = await peer.request('INFO');
  await peer.send(okFor(second).replace('200 OK', '415 Unsupported Media Type'), Number(second.via[0]?.port));
  await t.rejects(refused, { name: 'SipError', status: 415 });
  t.equal(dialog.ended, false, 'a 415 does not end the dialog');
});
