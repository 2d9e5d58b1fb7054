import t from 'tap';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import type { CompoundPacket, RtpPacket } from 'rtp.js/packets';
import type { PortPair } from '../../media/port-pool.js';
import { isMuxedRtcp, RtpEndpoint } from '../../media/rtp-endpoint.js';
import { LEARN_WINDOW_MS } from '../../media/rtp-latch.js';
import { createSrtpSession } from '../../media/srtp/index.js';
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
  /** The endpoint's time (ms): tests move it past the learning window by hand. */
  const clock = { now: 0 };
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
  }, { now: () => clock.now });
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
  return { pair, peers, endpoint, rtp, rtcp, latched, delivered, clock };
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

  // Another stream (SSRC) from a port we did not latch: injection.
  send(intruder, pair.rtpPort, rtpDatagram({ pt: 0, seq: 9, ts: 0, ssrc: 0xbad }, new Uint8Array(160)));
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

const SSRC_A = 0xa1a1a1a1;

t.test('after the learning window: foreign sources are rejected, the latched SSRC may rebind (NAT)', async (t) => {
  const { pair, peers, endpoint, rtp, latched, delivered, clock } = await setup(t);
  const [caller, rebound, intruder] = peers;
  endpoint.configure({ address: '127.0.0.1', rtpPort: port(caller), rtcpPort: port(caller) + 1 }, false);
  send(caller, pair.rtpPort, rtpDatagram({ pt: 0, seq: 1, ts: 0, ssrc: SSRC_A }, new Uint8Array(160)));
  await delivered(rtp, 1);
  clock.now = LEARN_WINDOW_MS + 1;

  // Injection with another SSRC from a foreign port: dropped, counted, latch unchanged.
  send(intruder, pair.rtpPort, rtpDatagram({ pt: 0, seq: 2, ts: 160, ssrc: 0xbad }, new Uint8Array(160)));
  // The same stream (SSRC) from a new port: the NAT rebound it; the latch follows.
  send(rebound, pair.rtpPort, rtpDatagram({ pt: 0, seq: 3, ts: 320, ssrc: SSRC_A }, new Uint8Array(160)));
  await delivered(rtp, 2);
  t.equal(endpoint.counters().rejectedSource, 1, 'injection counted');
  t.equal(rtp[1]?.getSequenceNumber(), 3);
  t.same(latched, [`127.0.0.1:${port(caller)}`, `127.0.0.1:${port(rebound)}`], 'relatched by SSRC');
  const back = nextDatagram(rebound);
  endpoint.sendRtp(Uint8Array.of(9));
  t.same([...(await back).data], [9], 'we now send to the rebound port');

  // A different stream from another port is still foreign.
  send(intruder, pair.rtpPort, rtpDatagram({ pt: 0, seq: 4, ts: 480, ssrc: 0x1234 }, new Uint8Array(160)));
  send(rebound, pair.rtpPort, rtpDatagram({ pt: 0, seq: 5, ts: 640, ssrc: SSRC_A }, new Uint8Array(160)));
  await delivered(rtp, 3);
  t.equal(endpoint.counters().rejectedSource, 2);
});

t.test('a re-INVITE reopens learning for a window; after it only the latch, its SSRC or the SDP address count', async (t) => {
  const { pair, peers, endpoint, rtp, latched, delivered, clock } = await setup(t);
  const [caller, moved, intruder] = peers;
  const remote = { address: '127.0.0.1', rtpPort: port(caller), rtcpPort: port(caller) + 1 };
  endpoint.configure(remote, false);
  send(caller, pair.rtpPort, rtpDatagram({ pt: 0, seq: 1, ts: 0, ssrc: SSRC_A }, new Uint8Array(160)));
  await delivered(rtp, 1);

  // Same SDP (hold/unhold): the old latch stays until a new source sends within the window.
  clock.now = 60_000;
  endpoint.configure(remote, false);
  t.equal(endpoint.latchedSource, `127.0.0.1:${port(caller)}`, 'kept across the update');
  clock.now += LEARN_WINDOW_MS - 1;
  send(moved, pair.rtpPort, rtpDatagram({ pt: 0, seq: 10, ts: 0, ssrc: 0x77 }, new Uint8Array(160)));
  await delivered(rtp, 2);
  t.equal(endpoint.latchedSource, `127.0.0.1:${port(moved)}`, 'a new source within the window relatches');
  // Learning ended with that packet: a third source is foreign.
  send(intruder, pair.rtpPort, rtpDatagram({ pt: 0, seq: 11, ts: 160, ssrc: 0x99 }, new Uint8Array(160)));
  // The SDP address itself is always acceptable (the signalling named it).
  send(caller, pair.rtpPort, rtpDatagram({ pt: 0, seq: 2, ts: 160, ssrc: 0x55 }, new Uint8Array(160)));
  await delivered(rtp, 3);
  t.equal(endpoint.counters().rejectedSource, 1);
  t.equal(endpoint.latchedSource, `127.0.0.1:${port(caller)}`);

  // A window that expires unused keeps the latch and rejects newcomers.
  endpoint.configure(remote, false);
  clock.now += LEARN_WINDOW_MS + 1;
  send(intruder, pair.rtpPort, rtpDatagram({ pt: 0, seq: 12, ts: 320, ssrc: 0x99 }, new Uint8Array(160)));
  send(caller, pair.rtpPort, rtpDatagram({ pt: 0, seq: 3, ts: 320, ssrc: 0x55 }, new Uint8Array(160)));
  await delivered(rtp, 4);
  t.equal(endpoint.counters().rejectedSource, 2);
  t.equal(latched.length, 3);
});

t.test('RTCP follows the RTP latch: foreign RTCP is rejected, with and without mux', async (t) => {
  const { pair, peers, endpoint, rtp, rtcp, delivered, clock } = await setup(t);
  const [caller, intruder, callerRtcp] = peers;
  endpoint.configure({ address: '127.0.0.1', rtpPort: port(caller), rtcpPort: port(callerRtcp) }, false);
  send(caller, pair.rtpPort, rtpDatagram({ pt: 0, seq: 1, ts: 0, ssrc: SSRC_A }, new Uint8Array(160)));
  await delivered(rtp, 1);
  clock.now = LEARN_WINDOW_MS + 1;
  send(intruder, pair.rtcpPort, RTCP_RR_EMPTY);
  send(callerRtcp, pair.rtcpPort, RTCP_RR_EMPTY);
  await delivered(rtcp, 1);
  t.equal(endpoint.counters().rejectedSource, 1, 'RTCP from the intruder (wrong SSRC, not the SDP port) dropped');
  send(intruder, pair.rtcpPort, RTCP_RR_EMPTY);
  send(callerRtcp, pair.rtcpPort, RTCP_RR_EMPTY);
  await delivered(rtcp, 2);
  t.equal(endpoint.counters().rejectedSource, 2);

  endpoint.configure({ address: '127.0.0.1', rtpPort: port(caller), rtcpPort: port(caller) }, true);
  clock.now += LEARN_WINDOW_MS + 1;
  send(intruder, pair.rtpPort, RTCP_RR_EMPTY);
  send(caller, pair.rtpPort, RTCP_RR_EMPTY);
  await delivered(rtcp, 3);
  t.equal(endpoint.counters().rejectedSource, 3, 'muxed RTCP from a foreign port dropped');
});

function srtpKey(seed: number): string {
  return Buffer.from(Array.from({ length: 30 }, (_, i) => (seed * 31 + i * 7) & 0xff)).toString('base64');
}

t.test('SRTP: unprotects before parsing, protects what it sends, counts failures', async (t) => {
  const { pair, peers, endpoint, rtp, rtcp, delivered } = await setup(t);
  const [caller] = peers;
  const ours = createSrtpSession({ suite: 'AES_CM_128_HMAC_SHA1_80', localKey: srtpKey(1), remoteKey: srtpKey(2) });
  const theirs = createSrtpSession({ suite: 'AES_CM_128_HMAC_SHA1_80', localKey: srtpKey(2), remoteKey: srtpKey(1) });
  endpoint.configure({ address: '127.0.0.1', rtpPort: port(caller), rtcpPort: port(caller) }, true, ours);

  const payload = Uint8Array.from({ length: 160 }, (_, i) => i);
  const plain = rtpDatagram({ pt: 0, seq: 100, ts: 0, ssrc: SSRC_A }, payload);
  const tampered = theirs.protectRtp(rtpDatagram({ pt: 0, seq: 101, ts: 160, ssrc: SSRC_A }, payload));
  tampered[20] = (tampered[20] ?? 0) ^ 1;
  send(caller, pair.rtpPort, plain); // not SRTP at all: fails authentication
  send(caller, pair.rtpPort, tampered);
  const good = theirs.protectRtp(plain);
  send(caller, pair.rtpPort, good);
  send(caller, pair.rtpPort, good); // replayed
  send(caller, pair.rtpPort, theirs.protectRtcp(RTCP_RR_EMPTY));
  await delivered(rtp, 1);
  await delivered(rtcp, 1);
  t.same([...new Uint8Array(rtp[0]?.getPayload().buffer ?? new ArrayBuffer(0), rtp[0]?.getPayload().byteOffset, 160)], [...payload], 'decrypted payload');
  // The replay is counted once it is processed: wait for a later packet behind it.
  send(caller, pair.rtpPort, theirs.protectRtp(rtpDatagram({ pt: 0, seq: 102, ts: 320, ssrc: SSRC_A }, payload)));
  await delivered(rtp, 2);
  t.equal(endpoint.counters().srtpRejected, 3, 'plain, tampered and replayed packets rejected');
  t.equal(endpoint.latchedSource, `127.0.0.1:${port(caller)}`);

  const out = nextDatagram(caller);
  const ourPacket = rtpDatagram({ pt: 0, seq: 7, ts: 0, ssrc: 0x42 }, payload);
  t.equal(endpoint.sendRtp(ourPacket), 'sent');
  const wire = (await out).data;
  t.equal(wire.length, ourPacket.length + 10, '80-bit tag appended');
  t.notSame([...wire.subarray(12, 172)], [...payload], 'payload encrypted on the wire');
  t.same([...(theirs.unprotectRtp(wire) ?? [])], [...ourPacket], 'the far end decrypts it');
  const rtcpOut = nextDatagram(caller);
  endpoint.sendRtcp(RTCP_RR_EMPTY);
  t.same([...(theirs.unprotectRtcp((await rtcpOut).data) ?? [])], [...RTCP_RR_EMPTY], 'SRTCP too');
});
