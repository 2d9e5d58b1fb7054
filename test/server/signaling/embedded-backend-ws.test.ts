import { once } from 'node:events';
import t from 'tap';
import WebSocket from 'ws';
import type { IncomingCall } from '../../../server/signaling/backend.js';
import { headerValue, type SipMessage, type SipRequest } from '../../../server/sip/message.js';
import { parseSipMessage } from '../../../server/sip/parser.js';
import { startBackend } from '../sip/fixtures/backend-harness.js';
import { LIMITS } from '../sip/fixtures/fixture-files.js';
import { okFor } from '../sip/fixtures/raw-peer.js';
import { ANSWER_SDP, OFFER_SDP, uniqueId } from '../sip/fixtures/sip-text.js';

/** A browser-like SIP-over-WebSocket client (RFC 7118): Via ...WS x.invalid, Contact ;transport=ws. */
class WsClient {
  readonly messages: SipMessage[] = [];
  #waiters: Array<{ predicate: (m: SipMessage) => boolean; resolve: (m: SipMessage) => void }> = [];

  constructor(readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => {
      const parsed = parseSipMessage(data, LIMITS);
      if (!parsed.ok) return;
      const index = this.#waiters.findIndex((w) => w.predicate(parsed.message));
      if (index >= 0) this.#waiters.splice(index, 1)[0]?.resolve(parsed.message);
      else this.messages.push(parsed.message);
    });
  }

  static async open(port: number, protocol = 'sip'): Promise<WsClient> {
    const socket = new WebSocket(`ws://127.0.0.1:${port}`, protocol);
    await once(socket, 'open');
    return new WsClient(socket);
  }

  next(predicate: (m: SipMessage) => boolean): Promise<SipMessage> {
    const index = this.messages.findIndex(predicate);
    if (index >= 0) return Promise.resolve(this.messages.splice(index, 1)[0] as SipMessage);
    return new Promise((resolve) => this.#waiters.push({ predicate, resolve }));
  }

  send(text: string): void {
    this.socket.send(text);
  }
}

function request(method: string, options: { callId: string; user?: string; cseq?: number; toTag?: string; body?: string; extra?: string[] }): string {
  const body = options.body ?? '';
  return [
    `${method} sip:${options.user ?? 'echo'}@127.0.0.1 SIP/2.0`,
    `Via: SIP/2.0/WS df7jal23ls0d.invalid;branch=${uniqueId('z9hG4bKws')}`,
    'From: <sip:dave@example.invalid>;tag=wsfrom',
    `To: <sip:${options.user ?? 'echo'}@127.0.0.1>${options.toTag ? `;tag=${options.toTag}` : ''}`,
    `Call-ID: ${options.callId}`,
    `CSeq: ${options.cseq ?? 1} ${method}`,
    'Contact: <sip:dave@df7jal23ls0d.invalid;transport=ws>',
    'Max-Forwards: 70',
    ...(options.extra ?? []),
    ...(body ? ['Content-Type: application/sdp'] : []),
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ].join('\r\n');
}

t.test('SIP over WebSocket: a call answered over the connection, our Contact says transport=ws', async (t) => {
  const { backend, wsPort } = await startBackend(t, { sip: { transports: ['udp', 'ws'] } });
  t.ok(wsPort > 0);
  const client = await WsClient.open(wsPort);
  t.teardown(() => client.socket.close());
  const callId = uniqueId('ws-call-');
  const incoming = new Promise<IncomingCall>((resolve) => backend.onInvite(resolve));
  client.send(request('INVITE', { callId, body: OFFER_SDP }));
  const call = await incoming;
  t.equal(call.source.transport, 'ws');
  const answered = call.answer(ANSWER_SDP);
  const ok = await client.next((m) => m.kind === 'response' && m.status === 200);
  t.equal(headerValue(ok.headers, 'contact'), `<sip:127.0.0.1:${wsPort};transport=ws>`);
  client.send(request('ACK', { callId, toTag: ok.to.tag ?? '' }));
  const { dialog } = await answered;
  const bye = dialog.hangup();
  const ourBye = (await client.next((m) => m.kind === 'request' && m.method === 'BYE')) as SipRequest;
  t.match(headerValue(ourBye.headers, 'via'), /^SIP\/2\.0\/WS /, 'our BYE goes down the same WebSocket');
  client.send(okFor(ourBye));
  await bye;
});

t.test('REGISTER over WebSocket, then a call placed to that contact rides the same connection', async (t) => {
  const { backend, wsPort } = await startBackend(t, { sip: { transports: ['ws'] } });
  const client = await WsClient.open(wsPort);
  t.teardown(() => client.socket.close());
  client.send(request('REGISTER', { callId: uniqueId('ws-reg-'), user: 'dave', extra: ['Expires: 300'] }));
  await client.next((m) => m.kind === 'response' && m.status === 200);
  const [contact] = backend.locate('dave');
  if (contact === undefined) throw new Error('not registered');
  t.equal(contact.source.transport, 'ws');
  const call = backend.placeCall({ contact, offer: OFFER_SDP });
  const invite = (await client.next((m) => m.kind === 'request' && m.method === 'INVITE')) as SipRequest;
  t.equal(invite.requestUri, 'sip:dave@df7jal23ls0d.invalid;transport=ws');
  client.send(okFor(invite).replace('200 OK', '603 Decline'));
  await t.rejects(call.answered, { name: 'SipError', status: 603 });
});

t.test('a handshake without the sip subprotocol is refused (RFC 7118 §4)', async (t) => {
  const { wsPort } = await startBackend(t, { sip: { transports: ['udp', 'ws'] } });
  const socket = new WebSocket(`ws://127.0.0.1:${wsPort}`, 'chat');
  const [error] = (await once(socket, 'error')) as [Error];
  t.match(error.message, /Unexpected server response: 401/);
});
