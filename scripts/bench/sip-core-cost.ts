/**
 * `npm run bench -- sip --in-process`: the SIP stack's own cost per call,
 * without sockets, SIPp or media. INVITE (with SDP), ACK and BYE go straight
 * into `SipCore.receive()`; the app answers at once with a fixed SDP; the
 * transport only records what would be sent. Reports microseconds of one
 * core per call (parse, transactions, dialog, both 200s built and
 * serialized), after a warm-up.
 */
import { pino } from 'pino';
import { defaultConfig } from '../../config/index.js';
import { LocalAddressResolver } from '../../server/sip/local-address.js';
import { SipCore } from '../../server/sip/sip-core.js';
import type { Flow } from '../../server/sip/transport.js';

const SDP = 'v=0\r\no=bench 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\n';
const FLOW: Flow = { transport: 'udp', remoteAddress: '127.0.0.1', remotePort: 5070, localAddress: '127.0.0.1', localPort: 5060, connection: null };

function request(method: string, call: number, cseq: number, toTag: string | null, body = ''): Buffer {
  return Buffer.from(
    `${method} sip:echo@127.0.0.1:5060 SIP/2.0\r\n` +
      `Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-${call}-${method};rport\r\n` +
      `From: sipp <sip:sipp@127.0.0.1:5070>;tag=${call}SIPpTag00\r\n` +
      `To: <sip:echo@127.0.0.1:5060>${toTag === null ? '' : `;tag=${toTag}`}\r\n` +
      `Call-ID: ${call}-4242@127.0.0.1\r\nCSeq: ${cseq} ${method}\r\n` +
      'Contact: <sip:sipp@127.0.0.1:5070;transport=UDP>\r\nMax-Forwards: 70\r\n' +
      `${body ? 'Content-Type: application/sdp\r\n' : ''}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

export interface CoreCost {
  readonly calls: number;
  readonly microsecondsPerCall: number;
  readonly callsPerSecondOneCore: number;
  readonly datagramsSentPerCall: number;
}

export async function measureCoreCost(calls: number): Promise<CoreCost> {
  let sent = 0;
  let lastTag = '';
  const core = new SipCore({
    config: { ...defaultConfig().sip, listen: '127.0.0.1:5060', sessionExpires: 0 },
    logger: pino({ level: 'silent' }),
    localAddresses: new LocalAddressResolver('127.0.0.1'),
    listenPort: () => 5060,
    transport: {
      send: (data) => {
        sent++;
        const match = /\r\nTo: [^\r]*;tag=([^\r;]+)/.exec(data.toString('latin1', 0, Math.min(data.length, 600)));
        if (match?.[1] !== undefined) lastTag = match[1];
        return true;
      },
    },
  });
  core.onInvite((call) => {
    call.answer(SDP).catch(() => undefined);
  });
  const settle = async (): Promise<void> => {
    // answer() resolves on the ACK through a couple of promise hops.
    for (let i = 0; i < 3; i++) await Promise.resolve();
  };
  const run = async (count: number, first: number): Promise<number> => {
    const invites = Array.from({ length: count }, (_, i) => request('INVITE', first + i, 1, null, SDP));
    const started = process.hrtime.bigint();
    for (let i = 0; i < count; i++) {
      core.receive(invites[i] ?? Buffer.alloc(0), FLOW);
      await settle();
      const tag = lastTag;
      core.receive(request('ACK', first + i, 1, tag), FLOW);
      await settle();
      core.receive(request('BYE', first + i, 2, tag), FLOW);
    }
    return Number(process.hrtime.bigint() - started) / 1000 / count;
  };
  await run(Math.min(5000, calls), 0);
  const before = sent;
  const microseconds = await run(calls, 1_000_000);
  const result = {
    calls,
    microsecondsPerCall: Math.round(microseconds * 10) / 10,
    callsPerSecondOneCore: Math.round(1_000_000 / microseconds),
    datagramsSentPerCall: (sent - before) / calls,
  };
  await core.close();
  return result;
}
