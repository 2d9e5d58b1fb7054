import { createCipheriv, randomBytes } from 'node:crypto';
import t from 'tap';
import { SrtpSession as WeriftSrtp, SrtcpSession as WeriftSrtcp, RtpPacket as WeriftRtp, ProtectionProfileAes128CmHmacSha1_80 } from 'werift-rtp';
import { createSrtpSession, deriveKeys, estimateRoc, packetIv, SRTP_TAG_BYTES, type SrtpSession } from '../../../media/srtp/index.js';
import type { SrtpParams, SrtpSuite } from '../../../media/protocol.js';

const hex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex');

function rtp(seq: number, ssrc: number, payload: Buffer, ts = 1000): Buffer {
  const header = Buffer.alloc(12);
  header[0] = 0x80;
  header[1] = 0;
  header.writeUInt16BE(seq, 2);
  header.writeUInt32BE(ts, 4);
  header.writeUInt32BE(ssrc, 8);
  return Buffer.concat([header, payload]);
}

function pair(suite: SrtpSuite = 'AES_CM_128_HMAC_SHA1_80'): { a: SrtpSession; b: SrtpSession; aKey: string; bKey: string } {
  const aKey = randomBytes(30).toString('base64');
  const bKey = randomBytes(30).toString('base64');
  const a = createSrtpSession({ suite, localKey: aKey, remoteKey: bKey });
  const b = createSrtpSession({ suite, localKey: bKey, remoteKey: aKey });
  return { a, b, aKey, bKey };
}

t.test('RFC 3711 B.3: key derivation test vectors', async (t) => {
  const keys = deriveKeys(hex('E1F97A0D3E018BE0D64FA32C06DE4139'), hex('0EC675AD498AFEEBB6960B3AABE6'));
  t.equal(keys.rtp.cipherKey.toString('hex').toUpperCase(), 'C61E7A93744F39EE10734AFE3FF7A087');
  t.equal(keys.rtp.salt.toString('hex').toUpperCase(), '30CBBC08863D8C85D49DB34A9AE1');
  t.equal(keys.rtp.authKey.toString('hex').toUpperCase(), 'CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4');
});

t.test('RFC 3711 B.2: AES-CM keystream from the packet IV', async (t) => {
  const iv = packetIv(Buffer.alloc(16), hex('F0F1F2F3F4F5F6F7F8F9FAFBFCFD'), 0, 0);
  t.equal(iv.toString('hex').toUpperCase(), 'F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000');
  const stream = createCipheriv('aes-128-ctr', hex('2B7E151628AED2A6ABF7158809CF4F3C'), iv).update(Buffer.alloc(48));
  t.equal(stream.subarray(0, 16).toString('hex').toUpperCase(), 'E03EAD0935C95E80E166B16DD92B4EB4');
  t.equal(stream.subarray(16, 32).toString('hex').toUpperCase(), 'D23513162B02D0F72A43A2FE4A5F97AB');
  t.equal(stream.subarray(32, 48).toString('hex').toUpperCase(), '41E95B3BB0A2E8DD477901E4FCA894C0');
});

t.test('the packet IV places SSRC and the 48-bit index', async (t) => {
  const iv = packetIv(Buffer.alloc(16), Buffer.alloc(14), 0xdeadbeef, 0x1234_5678_9abc);
  t.equal(iv.toString('hex'), '00000000deadbeef123456789abc0000');
});

for (const suite of ['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32'] as const) {
  t.test(`${suite}: round trip, tag length, tampering and replay`, async (t) => {
    const { a, b } = pair(suite);
    const payload = randomBytes(160);
    const plain = rtp(100, 0x11223344, payload);
    const secured = a.protectRtp(plain);
    t.equal(secured.length, plain.length + SRTP_TAG_BYTES[suite], 'tag appended');
    t.same(Buffer.from(secured.subarray(0, 12)), plain.subarray(0, 12), 'header stays clear');
    t.notSame(Buffer.from(secured.subarray(12, 12 + payload.length)), payload, 'payload encrypted');
    t.same(Buffer.from(b.unprotectRtp(secured) ?? []), plain, 'decrypts to the original');
    t.equal(b.unprotectRtp(secured), null, 'the same packet again is a replay');
    const tampered = Buffer.from(a.protectRtp(rtp(101, 0x11223344, payload)));
    tampered[20] = (tampered[20] ?? 0) ^ 1;
    t.equal(b.unprotectRtp(tampered), null, 'a flipped bit fails authentication');
    t.equal(b.unprotectRtp(Buffer.alloc(8)), null, 'too short');
    t.same(b.counters(), { authFailures: 1, replays: 1, malformed: 1 });
    t.equal(a.unprotectRtp(a.protectRtp(plain)), null, 'our own key does not open what we sent (keys are per direction)');
  });
}

t.test('reordering inside the window is accepted, older than 64 packets is not', async (t) => {
  const { a, b } = pair();
  const packets = Array.from({ length: 100 }, (_, i) => a.protectRtp(rtp(i, 7, Buffer.from([i]))));
  t.ok(b.unprotectRtp(packets[99] ?? Buffer.alloc(0)));
  t.ok(b.unprotectRtp(packets[50] ?? Buffer.alloc(0)), 'late but inside the window');
  t.equal(b.unprotectRtp(packets[10] ?? Buffer.alloc(0)), null, 'behind the window');
  t.equal(b.counters().replays, 1);
});

t.test('the rollover counter follows sequence wrap-around on both sides', async (t) => {
  const { a, b } = pair();
  const seqs = [65530, 65531, 65532, 65533, 65534, 65535, 0, 1, 2, 3];
  const sent = seqs.map((seq) => a.protectRtp(rtp(seq, 9, Buffer.from([seq & 0xff, seq >> 8]))));
  const order = [0, 1, 2, 3, 4, 5, 6, 7, 8, 5 /* the packet from before the wrap, replayed */, 9];
  const out = order.map((i) => b.unprotectRtp(sent[i] ?? Buffer.alloc(0)));
  t.ok(out.slice(0, 9).every((p) => p !== null), 'every packet across the wrap decrypts');
  t.equal(out[9], null, 'the duplicate from before the wrap is a replay');
  t.same(Buffer.from(out[10] ?? []).readUInt16BE(2), 3, 'and the stream goes on');
  t.equal(estimateRoc(65535, 0, 2), 1);
  t.equal(estimateRoc(3, 1, 65534), 0);
  t.equal(estimateRoc(100, 0, 90), 0);
});

t.test('SRTCP round trip with index and E flag, replay and tamper rejected', async (t) => {
  const { a, b } = pair('AES_CM_128_HMAC_SHA1_32');
  const rr = Buffer.from('81c90007deadbeef0000000100000000000000000000000000000000000000000000', 'hex');
  const first = a.protectRtcp(rr);
  t.equal(first.length, rr.length + 4 + 10, 'SRTCP always carries an 80-bit tag');
  t.equal(Buffer.from(first).readUInt32BE(rr.length), 0x8000_0000, 'E=1, index 0');
  t.same(Buffer.from(b.unprotectRtcp(first) ?? []), rr);
  t.equal(b.unprotectRtcp(first), null, 'replay');
  const second = Buffer.from(a.protectRtcp(rr));
  t.equal(second.readUInt32BE(rr.length), 0x8000_0001, 'index increments');
  second[10] = (second[10] ?? 0) ^ 0x80;
  t.equal(b.unprotectRtcp(second), null, 'tampered');
});

t.test('interoperates with werift-rtp (an independent RFC 3711 implementation) for AES_CM_128_HMAC_SHA1_80', async (t) => {
  const ours = randomBytes(30);
  const theirs = randomBytes(30);
  const params: SrtpParams = { suite: 'AES_CM_128_HMAC_SHA1_80', localKey: ours.toString('base64'), remoteKey: theirs.toString('base64') };
  const session = createSrtpSession(params);
  const keys = {
    localMasterKey: theirs.subarray(0, 16),
    localMasterSalt: theirs.subarray(16),
    remoteMasterKey: ours.subarray(0, 16),
    remoteMasterSalt: ours.subarray(16),
  };
  const peer = new WeriftSrtp({ keys, profile: ProtectionProfileAes128CmHmacSha1_80 });
  const peerRtcp = new WeriftSrtcp({ keys, profile: ProtectionProfileAes128CmHmacSha1_80 });
  for (const seq of [65534, 65535, 0, 1]) {
    const plain = rtp(seq, 0xcafe, randomBytes(80), seq * 160);
    const fromUs = session.protectRtp(plain);
    t.same(Buffer.from(peer.decrypt(Buffer.from(fromUs))), plain, `werift decrypts our seq ${seq}`);
    const parsed = WeriftRtp.deSerialize(plain);
    const fromPeer = peer.encrypt(parsed.payload, parsed.header);
    t.same(Buffer.from(session.unprotectRtp(fromPeer) ?? []), plain, `we decrypt werift's seq ${seq}`);
  }
  const sr = Buffer.from('80c80006deadbeef0000000100000002000000030000000400000005', 'hex');
  t.same(Buffer.from(peerRtcp.decrypt(Buffer.from(session.protectRtcp(sr)))), sr, 'werift decrypts our SRTCP');
  t.same(Buffer.from(session.unprotectRtcp(peerRtcp.encrypt(sr)) ?? []), sr, "we decrypt werift's SRTCP");
});

t.test('bad keys are refused with a clear error', async (t) => {
  t.throws(() => createSrtpSession({ suite: 'AES_CM_128_HMAC_SHA1_80', localKey: 'c2hvcnQ=', remoteKey: randomBytes(30).toString('base64') }), /30 bytes/);
});
