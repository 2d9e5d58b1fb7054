import t from 'tap';
import { ByePacket, CompoundPacket, ReceiverReportPacket, SdesPacket, SenderReportPacket } from 'rtp.js/packets';
import { ntpFromUnixMs, ntpMiddle32 } from '../../media/ntp.js';
import { RtcpSession } from '../../media/rtcp-session.js';
import { ReceptionStats } from '../../media/stats.js';
import { RTCP_BAD_VERSION, RTCP_RR_EMPTY, RTCP_RR_TRUNCATED } from '../fixtures/rtp/packets.js';

function parse(bytes: Uint8Array): CompoundPacket {
  return new CompoundPacket(new DataView(bytes.slice().buffer));
}

t.test('an SR with a reception report and CNAME round-trips through rtp.js', async (t) => {
  let now = 10_000;
  const wall = Date.UTC(2024, 0, 1, 12, 0, 0, 500);
  const session = new RtcpSession({ cname: 'leg-a@voxbridge', now: () => now, wallClockMs: () => wall });
  const stats = new ReceptionStats(8000);
  for (let seq = 0; seq < 20; seq++) if (seq !== 7) stats.onPacket(0x5555, seq, seq * 160, seq * 20);

  const bytes = session.buildReport(0xabcd, { ssrc: 0xabcd, packets: 50, payloadOctets: 8000, rtpTimestamp: 123456 }, stats.reportBlock());
  const compound = parse(bytes);
  const [sr, sdes] = compound.getPackets();
  t.ok(sr instanceof SenderReportPacket, 'sent RTP since the last report: SR');
  t.ok(sdes instanceof SdesPacket);
  if (!(sr instanceof SenderReportPacket) || !(sdes instanceof SdesPacket)) return;
  const ntp = ntpFromUnixMs(wall);
  t.equal(sr.getSsrc(), 0xabcd);
  t.equal(sr.getNtpSeconds(), ntp.seconds);
  t.equal(sr.getNtpSeconds(), Math.floor(wall / 1000) + 2_208_988_800);
  t.equal(sr.getNtpFraction(), 2 ** 31, 'half a second');
  t.equal(sr.getRtpTimestamp(), 123456);
  t.equal(sr.getPacketCount(), 50);
  t.equal(sr.getOctetCount(), 8000);
  const [block] = sr.getReports();
  t.equal(block?.getSsrc(), 0x5555);
  t.equal(block?.getFractionLost(), Math.floor(256 / 20), '1 of 20 lost');
  t.equal(block?.getTotalLost(), 1);
  t.equal(block?.getHighestSeqNumber(), 19);
  t.equal(block?.getLastSRTimestamp(), 0, 'no SR from the peer yet');
  t.same(sdes.getChunks()[0]?.getItems(), [{ type: 1, text: 'leg-a@voxbridge' }]);

  // Nothing sent since: the next report is an RR.
  now += 5000;
  const next = parse(session.buildReport(0xabcd, { ssrc: 0xabcd, packets: 50, payloadOctets: 8000, rtpTimestamp: 0 }, null));
  t.ok(next.getPackets()[0] instanceof ReceiverReportPacket);
  t.equal(session.reportsSent, 2);
});

t.test('the peer SR gives our LSR/DLSR; its report about us gives the RTT', async (t) => {
  let now = 0;
  let wall = Date.UTC(2024, 5, 1, 8, 0, 0, 0);
  const ours = new RtcpSession({ cname: 'us', now: () => now, wallClockMs: () => wall });
  const peer = new RtcpSession({ cname: 'peer', now: () => now, wallClockMs: () => wall });
  const peerStats = new ReceptionStats(8000);
  peerStats.onPacket(0x1111, 1, 0, 0);
  const ourStats = new ReceptionStats(8000);
  ourStats.onPacket(0x2222, 1, 0, 0);

  // We send an SR at t=0; it reaches the peer 40 ms later.
  const ourSr = ours.buildReport(0x1111, { ssrc: 0x1111, packets: 1, payloadOctets: 160, rtpTimestamp: 0 }, ourStats.reportBlock());
  now += 40;
  wall += 40;
  t.same(peer.receive(parse(ourSr), 0x2222), { bye: false, reports: 1 });
  // The peer answers 250 ms later with its report about us; it travels 40 ms back.
  now += 250;
  wall += 250;
  const peerReport = parse(peer.buildReport(0x2222, null, peerStats.reportBlock()));
  const rr = peerReport.getPackets()[0];
  t.ok(rr instanceof ReceiverReportPacket);
  if (!(rr instanceof ReceiverReportPacket)) return;
  const block = rr.getReports()[0];
  t.equal(block?.getLastSRTimestamp(), ntpMiddle32(ntpFromUnixMs(wall - 290)), 'LSR is the middle 32 bits of our SR time');
  t.equal(block?.getDelaySinceLastSR(), Math.round((250 * 65536) / 1000), 'DLSR is 250 ms in 1/65536 s');
  now += 40;
  wall += 40;
  t.equal(ours.rttMs, null);
  ours.receive(peerReport, 0x1111);
  t.ok(Math.abs((ours.rttMs ?? 0) - 80) < 0.1, `RTT ${ours.rttMs} ms`);
});

t.test('BYE is read; the interval is randomised 0.5–1.5 × 5 s', async (t) => {
  const randoms = [0, 0.999, 0.5];
  const session = new RtcpSession({ cname: 'x', now: () => 0, random: () => randoms.shift() ?? 0 });
  const bye = parse(session.buildBye(0x42, 'leg closed'));
  const last = bye.getPackets().at(-1);
  t.ok(last instanceof ByePacket);
  if (last instanceof ByePacket) {
    t.same(last.getSsrcs(), [0x42]);
    t.equal(last.getReason(), 'leg closed');
  }
  t.same(session.receive(bye, 0x1), { bye: true, reports: 1 });
  t.ok(session.byeReceived);
  t.same([session.nextIntervalMs(), Math.round(session.nextIntervalMs()), session.nextIntervalMs()], [2500, 7495, 5000]);
});

t.test('RTCP byte fixtures: valid, truncated, invalid', async (t) => {
  const rr = parse(RTCP_RR_EMPTY).getPackets()[0];
  t.ok(rr instanceof ReceiverReportPacket);
  t.equal(rr instanceof ReceiverReportPacket ? rr.getSsrc() : 0, 0x01020304);
  t.throws(() => parse(RTCP_RR_TRUNCATED), 'rtp.js rejects a truncated report (the endpoint counts it malformed)');
  t.throws(() => parse(RTCP_BAD_VERSION));
});
