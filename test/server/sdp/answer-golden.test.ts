import t from 'tap';
import type { LegParams, LocalMedia } from '../../../media/protocol.js';
import { answerOffer, createSession } from '../../../server/sdp/index.js';
import { fixture, LOCAL_V4, LOCAL_V6, POLICY } from '../../fixtures/sdp/load.js';

// Each case: <name>.offer.sdp answered with policy PCMU, PCMA must give exactly
// <name>.answer.sdp and these LegParams.
const sendrecv = { rtcpMux: false, direction: 'sendrecv' } as const;
const pcmu = { name: 'PCMU', payloadType: 0, clockRate: 8000, channels: 1, fmtp: {} };
const pcma = { name: 'PCMA', payloadType: 8, clockRate: 8000, channels: 1, fmtp: {} };
const te = (payloadType: number) => ({ payloadType, clockRate: 8000 });
const remote = (address: string, rtpPort: number, rtcpPort = rtpPort + 1) => ({ address, rtpPort, rtcpPort });

const cases: { name: string; local?: LocalMedia; params: LegParams }[] = [
  { name: 'sipp-uac-pcmu', params: { ...sendrecv, remote: remote('127.0.0.1', 6000), codec: pcmu, telephoneEvent: null, ptime: 20 } },
  { name: 'sipp-uac-pcap-pcma', params: { ...sendrecv, remote: remote('127.0.0.1', 6000), codec: pcma, telephoneEvent: te(101), ptime: 20 } },
  // PCMU is offered after opus, G7221 and G722: our order decides; telephone-event/48000 is skipped for /8000.
  { name: 'baresip-many-codecs', params: { ...sendrecv, remote: remote('192.168.1.20', 10004, 10005), codec: pcmu, telephoneEvent: te(101), ptime: 20 } },
  { name: 'linphone-with-video', params: { ...sendrecv, remote: remote('192.168.1.30', 7078), codec: pcmu, telephoneEvent: te(100), ptime: 20 } },
  { name: 'hold-sendonly', params: { rtcpMux: false, direction: 'recvonly', remote: remote('10.1.2.3', 6000), codec: pcmu, telephoneEvent: te(101), ptime: 20 } },
  { name: 'hold-inactive', params: { rtcpMux: false, direction: 'inactive', remote: remote('10.1.2.3', 6000), codec: pcmu, telephoneEvent: null, ptime: 20 } },
  { name: 'hold-zero-address', params: { rtcpMux: false, direction: 'inactive', remote: null, codec: pcma, telephoneEvent: null, ptime: 20 } },
  { name: 'recvonly', params: { rtcpMux: false, direction: 'sendonly', remote: remote('10.1.2.3', 6000), codec: pcmu, telephoneEvent: null, ptime: 20 } },
  { name: 'ipv6', local: LOCAL_V6, params: { ...sendrecv, remote: remote('2001:db8::10', 49170), codec: pcmu, telephoneEvent: te(101), ptime: 30 } },
  { name: 'rtcp-mux', params: { rtcpMux: true, direction: 'sendrecv', remote: remote('198.51.100.7', 50000, 50000), codec: pcmu, telephoneEvent: te(101), ptime: 40 } },
  { name: 'static-pt-no-rtpmap', params: { ...sendrecv, remote: remote('10.9.9.9', 5004), codec: pcmu, telephoneEvent: null, ptime: 30 } },
  { name: 'second-audio-and-t38', params: { ...sendrecv, remote: remote('10.5.5.5', 5006), codec: pcmu, telephoneEvent: te(101), ptime: 20 } },
  { name: 'srtp-best-effort', params: { ...sendrecv, remote: remote('10.7.7.7', 7002), codec: pcmu, telephoneEvent: null, ptime: 20 } },
];

for (const { name, local = LOCAL_V4, params } of cases) {
  t.test(name, async (t) => {
    const session = createSession(local.address, '1000');
    const result = answerOffer(fixture(`${name}.offer.sdp`), local, POLICY, session);
    t.equal(result.answerSdp, fixture(`${name}.answer.sdp`), 'answer matches the golden file');
    t.same(result.params, params);
    // The answer is itself valid SDP we can read back, with as many m-lines as the offer.
    const offerLines = fixture(`${name}.offer.sdp`).match(/^m=/gm)?.length;
    t.equal(result.answerSdp.match(/^m=/gm)?.length, offerLines, 'same m-line count as the offer');
  });
}

t.test('offers with LF line endings are read too', async (t) => {
  const lf = fixture('sipp-uac-pcmu.offer.sdp').replace(/\r\n/g, '\n');
  const result = answerOffer(lf, LOCAL_V4, POLICY, createSession(LOCAL_V4.address, '1000'));
  t.equal(result.answerSdp, fixture('sipp-uac-pcmu.answer.sdp'));
});
