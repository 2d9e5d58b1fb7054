/**
 * The smallest SIP UAC the latency bench needs: one call over UDP on
 * loopback (INVITE with our SDP → 200 → ACK; later BYE → 200). No
 * retransmissions or auth: loopback does not lose datagrams, and every wait
 * is bounded so a broken server fails the bench instead of hanging it.
 */
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';

export interface UacCall {
  /** Where the server wants our RTP (from its SDP answer). */
  readonly remoteRtp: { readonly host: string; readonly port: number };
  hangup(): Promise<void>;
}

interface Response {
  readonly status: number;
  readonly headers: Map<string, string>;
  readonly body: string;
}

const WAIT_MS = 5000;

function parseResponse(text: string): Response | null {
  const split = text.indexOf('\r\n\r\n');
  const head = (split < 0 ? text : text.slice(0, split)).split('\r\n');
  const status = /^SIP\/2\.0 (\d{3})/.exec(head[0] ?? '');
  if (status === null) return null;
  const headers = new Map<string, string>();
  for (const line of head.slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { status: Number(status[1]), headers, body: split < 0 ? '' : text.slice(split + 4) };
}

/** Waits for a response to `cseqMethod` with a final status (≥ 200). */
async function finalResponse(socket: Socket, cseqMethod: string): Promise<Response> {
  const timeout = AbortSignal.timeout(WAIT_MS);
  for (;;) {
    const [data] = (await once(socket, 'message', { signal: timeout })) as [Buffer];
    const response = parseResponse(data.toString('utf8'));
    if (response !== null && response.status >= 200 && response.headers.get('cseq')?.endsWith(cseqMethod) === true) return response;
  }
}

function request(lines: readonly string[], body = ''): Buffer {
  return Buffer.from(`${lines.join('\r\n')}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}

/** Calls `user` at the server and offers PCMU on `rtpPort`; resolves once the call is up (ACK sent). */
export async function placeCall(server: { host: string; port: number }, user: string, rtpPort: number): Promise<UacCall> {
  const socket = createSocket('udp4');
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  const local = `127.0.0.1:${socket.address().port}`;
  const callId = `${randomBytes(8).toString('hex')}@bench`;
  const fromTag = randomBytes(4).toString('hex');
  const uri = `sip:${user}@${server.host}:${server.port}`;
  const common = (method: string, cseq: number, toTag: string): string[] => [
    `Via: SIP/2.0/UDP ${local};branch=z9hG4bK${randomBytes(6).toString('hex')};rport`,
    'Max-Forwards: 70',
    `From: <sip:bench@127.0.0.1>;tag=${fromTag}`,
    `To: <${uri}>${toTag}`,
    `Call-ID: ${callId}`,
    `CSeq: ${cseq} ${method}`,
  ];
  const send = (data: Buffer): void => socket.send(data, server.port, server.host);
  const sdp = ['v=0', 'o=bench 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', `m=audio ${rtpPort} RTP/AVP 0`, 'a=rtpmap:0 PCMU/8000', 'a=ptime:20', 'a=sendrecv', ''].join('\r\n');
  try {
    const answered = finalResponse(socket, 'INVITE');
    send(request([`INVITE ${uri} SIP/2.0`, ...common('INVITE', 1, ''), `Contact: <sip:bench@${local}>`, 'Content-Type: application/sdp'], sdp));
    const ok = await answered;
    if (ok.status !== 200) throw new Error(`the server answered the INVITE with ${ok.status}`);
    const toTag = /;tag=[^;>\s]+/.exec(ok.headers.get('to') ?? '')?.[0] ?? '';
    const target = /<([^>]+)>/.exec(ok.headers.get('contact') ?? '')?.[1] ?? uri;
    send(request([`ACK ${target} SIP/2.0`, ...common('ACK', 1, toTag)]));
    const host = /^c=IN IP4 (\S+)/m.exec(ok.body)?.[1];
    const port = Number(/^m=audio (\d+)/m.exec(ok.body)?.[1]);
    if (host === undefined || !Number.isInteger(port) || port <= 0) throw new Error(`no usable audio in the answer:\n${ok.body}`);
    return {
      remoteRtp: { host, port },
      async hangup() {
        try {
          const done = finalResponse(socket, 'BYE');
          send(request([`BYE ${target} SIP/2.0`, ...common('BYE', 2, toTag)]));
          await done;
        } finally {
          socket.close();
        }
      },
    };
  } catch (error) {
    socket.close();
    throw error;
  }
}
