import t from 'tap';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import type { CompoundPacket, RtpPacket } from 'rtp.js/packets';
import type { PortPair } from '../../media/port-pool.js';
import { isMuxedRtcp, RtpEndpoint } from '../../media/rtp-endpoint.js';
import {
  RTCP_RR_EMPTY,
  RTCP_RR_TRUNCATED,
  RTP_BAD_PADDING,
  RTP_BAD_VERSION,
  RTP_PCMU_VALID,
  RTP_TRUNCATED_CSRC,
  RTP_TRUNCATED_HEADER,
  rtpDatagram,
} from '../fixtures/rtp/packets.js';

function bind(): Promise<Socket> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.bind(0, '127.0.0.1', () => resolve(socket));
  });
}

function port(socket: Socket): number {
  return socket.address().port;
}

/** Resolves with the next datagram `socket` receives. */
function nextDatagram(socket: Socket): Promise<{ data: Buffer; from: RemoteInfo }> {
  return new Promise((resolve) => socket.once('message', (data, from) => resolve({ data, from })));
}

function send(from: Socket, to: number, data: Uint8Array): void {
  from.send(data, to, '127.0.0.1');
}

/** An endpoint on two fresh sockets whose callbacks feed queues the test can await. */
async function setup(t: { teardown(fn: () => void): void }) {
  const pair: PortPair = await Promise.all([bind(), bind()]).then(([rtp, rtcp]) => ({ rtp, rtcp, rtpPort: port(rtp), rtcpPort: port(rtcp) }));
  const peers = await Promise.all([bind(), bind(), bind()]);
  const rtp: RtpPacket[] = [];
  const rtcp: CompoundPacket[] = [];
  const latched: string[] = [];
  const waiters: (() => void)[] = [];
  const wake = (): void => {
    for (const w of waiters.splice(0)) w();
  };
  const endpoint = new RtpEndpoint(pair, {
    onRtp: (packet) => {
      rtp.push(packet);
      wake();
    },
    onRtcp: (packet) => {
      rtcp.push(packet);
      wake();
    },
    onLatch: (source) => latched.push(source),
  });
  t.teardown(() => {
    endpoint.close();
    for (const s of [pair.rtp, pair.rtcp, ...peers]) s.close();
  });
  /** Waits until `count` RTP (or RTCP) packets have been delivered. */
  const delivered = (list: unknown[], count: number): Promise<void> =>
    new Promise((resolve) => {
      const check = (): void => {
        if (list.length >= count) resolve();
        else waiters.push(check);
      };
      check();
    });
  return { pair, peers, endpoint, rtp, rtcp, latched, delivered };
}

t.test('sends to the SDP address until latched, then to the latched source only', async (t) => {
  const { pair, peers, endpoint, rtp, latched, delivered } = await setup(t);
  const [sdpPeer, realPeer, intruder] = peers;
  t.equal(endpoint.canSend, false, 'no destination before configure');
  endpoint.configure({ address: '127.0.0.1', rtpPort: port(sdpPeer), rtcpPort: port(sdpPeer) + 1 }, false);

  const toSdp = nextDatagram(sdpPeer);
  t.ok(endpoint.sendRtp(Uint8Array.of(1, 2, 3)));
  t.same([...(await toSdp).data], [1, 2, 3], 'before any packet: the SDP address');

  send(realPeer, pair.rtpPort, RTP_PCMU_VALID);
  await delivered(rtp, 1);
  t.same(latched, [`127.0.0.1:${port(realPeer)}`]);
  t.equal(endpoint.latchedSource, `127.0.0.1:${port(realPeer)}`);
  t.equal(rtp[0]?.getSequenceNumber(), 0x1234);
  t.equal(rtp[0]?.getPayload().byteLength, 4, 'parsed as a view of the datagram');

  const toLatched = nextDatagram(realPeer);
  endpoint.sendRtp(Uint8Array.of(4));
  t.same([...(await toLatched).data], [4], 'after latching: where the media came from');

  send(intruder, pair.rtpPort, RTP_PCMU_VALID);
  send(realPeer, pair.rtpPort, rtpDatagram({ pt: 0, seq: 2, ts: 160, ssrc: 1 }, new Uint8Array(160)));
  await delivered(rtp, 2);
  t.equal(endpoint.counters().rejectedSource, 1, 'the intruder was dropped and counted');
  t.equal(rtp.length, 2);

  // A re-INVITE (configure) lets the latch be learned again.
  endpoint.configure({ address: '127.0.0.1', rtpPort: port(sdpPeer), rtcpPort: 0 }, false);
  send(intruder, pair.rtpPort, RTP_PCMU_VALID);
  await delivered(rtp, 3);
  t.equal(endpoint.latchedSource, `127.0.0.1:${port(intruder)}`);
});

t.test('malformed datagrams are counted and dropped, and do not latch', async (t) => {
  const { pair, peers, endpoint, rtp, latched, delivered } = await setup(t);
  const [peer] = peers;
  endpoint.configure(null, false);
  for (const bad of [RTP_TRUNCATED_HEADER, RTP_BAD_VERSION, RTP_BAD_PADDING, RTP_TRUNCATED_CSRC, new Uint8Array(0)]) send(peer, pair.rtpPort, bad);
  send(peer, pair.rtcpPort, RTCP_RR_TRUNCATED);
  send(peer, pair.rtpPort, RTP_PCMU_VALID);
  await delivered(rtp, 1);
  t.equal(latched.length, 1, 'only the valid packet latched');
  t.equal(endpoint.counters().malformed >= 5, true, `malformed counted (${endpoint.counters().malformed})`);
  t.equal(rtp.length, 1);
});

t.test('rtcp-mux: RTCP on the RTP port is demuxed by the RFC 5761 rule', async (t) => {
  const { pair, peers, endpoint, rtp, rtcp, delivered } = await setup(t);
  const [peer] = peers;
  endpoint.configure({ address: '127.0.0.1', rtpPort: port(peer), rtcpPort: port(peer) }, true);
  send(peer, pair.rtpPort, RTP_PCMU_VALID);
  send(peer, pair.rtpPort, RTCP_RR_EMPTY);
  await delivered(rtcp, 1);
  await delivered(rtp, 1);
  t.equal(rtp.length, 1);
  // With mux, our RTCP goes to the latched RTP address and port.
  const back = nextDatagram(peer);
  endpoint.sendRtcp(RTCP_RR_EMPTY);
  t.same([...(await back).data], [...RTCP_RR_EMPTY]);
});

t.test('without mux, RTCP uses its own socket and learns the peer RTCP port', async (t) => {
  const { pair, peers, endpoint, rtcp, delivered } = await setup(t);
  const [sdpPeer, rtcpPeer] = peers;
  endpoint.configure({ address: '127.0.0.1', rtpPort: port(sdpPeer), rtcpPort: port(sdpPeer) }, false);
  const first = nextDatagram(sdpPeer);
  endpoint.sendRtcp(RTCP_RR_EMPTY);
  t.same([...(await first).data], [...RTCP_RR_EMPTY], 'to the SDP RTCP port at first');
  send(rtcpPeer, pair.rtcpPort, RTCP_RR_EMPTY);
  await delivered(rtcp, 1);
  const learned = nextDatagram(rtcpPeer);
  endpoint.sendRtcp(RTCP_RR_EMPTY);
  const got = await learned;
  t.equal(got.from.port, pair.rtcpPort, 'sent from our RTCP socket');
});

t.test('isMuxedRtcp: second byte 192..223 is RTCP', async (t) => {
  t.ok(isMuxedRtcp(Uint8Array.of(0x80, 200)), 'SR');
  t.ok(isMuxedRtcp(Uint8Array.of(0x80, 223)));
  t.notOk(isMuxedRtcp(Uint8Array.of(0x80, 0)), 'PCMU');
  t.notOk(isMuxedRtcp(Uint8Array.of(0x80, 0x80 | 101)), 'telephone-event with marker (229)');
  t.notOk(isMuxedRtcp(Uint8Array.of(0x80, 191)));
  t.notOk(isMuxedRtcp(Uint8Array.of(0x80)));
});
