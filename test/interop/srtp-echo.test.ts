/**
 * An SDES-SRTP call through the echo app: the offer is RTP/SAVP with an
 * a=crypto line, voxbridge answers with its own key, and what it echoes
 * decrypts (with its key) to the tone we sent. Plain RTP and tampered packets sent to the same port are
 * dropped and counted, never echoed.
 */
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import t from 'tap';
import { rtpDatagram } from '../fixtures/rtp/packets.js';
import { createSrtpSession } from '../../media/srtp/index.js';
import { dominantFrequency, generateTone, levelDbfs, steadyPart } from '../helpers/audio.js';
import { g711Decode, g711Encode } from '../helpers/g711.js';
import { SipTestClient } from '../helpers/sip-test-client.js';
import { eventually, startServerUnderTest } from './voxbridge-under-test.js';

function rtp(seq: number, ts: number, payload: Uint8Array): Uint8Array {
  return rtpDatagram({ pt: 0, seq, ts, ssrc: 0x5eed, marker: seq === 0 }, payload);
}

for (const suite of ['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32'] as const) {
  t.test(`${suite}: echo over SRTP`, async (t) => {
    const { server, udp } = await startServerUnderTest(t, (config) => {
      config.media.inProcess = true;
    });
    const socket = createSocket('udp4');
    socket.bind(0, '127.0.0.1');
    await once(socket, 'listening');
    t.teardown(() => socket.close());
    const ourKey = randomBytes(30).toString('base64');
    const port = socket.address().port;
    const offer = [
      'v=0',
      'o=tester 1 1 IN IP4 127.0.0.1',
      's=-',
      'c=IN IP4 127.0.0.1',
      't=0 0',
      `m=audio ${port} RTP/SAVP 0`,
      'a=rtpmap:0 PCMU/8000',
      'a=ptime:20',
      `a=rtcp:${port + 1}`,
      `a=crypto:4 ${suite} inline:${ourKey}|2^31`,
      '',
    ].join('\r\n');
    const client = await SipTestClient.create({ server: udp });
    t.teardown(() => client.close());
    const call = await client.invite('echo', { sdp: offer });
    t.equal(call.status, 200, 'echo answers the SRTP offer');
    const answer = call.answerSdp ?? '';
    t.match(answer, /m=audio \d+ RTP\/SAVP 0/);
    const crypto = new RegExp(`a=crypto:4 ${suite} inline:(\\S+)`).exec(answer);
    t.ok(crypto, 'the answer keeps our tag and suite');
    const serverPort = Number(/m=audio (\d+)/.exec(answer)?.[1]);
    const session = createSrtpSession({ suite, localKey: ourKey, remoteKey: crypto?.[1] ?? '' });

    const received: Buffer[] = [];
    socket.on('message', (data) => received.push(data));
    const tone = g711Encode('PCMU', generateTone({ frequency: 1000, dbfs: -10, durationMs: 1000 }));
    const start = performance.now();
    for (let i = 0; i < 50; i++) {
      const payload = tone.subarray(i * 160, (i + 1) * 160);
      socket.send(session.protectRtp(rtp(i, i * 160, payload)), serverPort, '127.0.0.1');
      if (i === 10) {
        socket.send(rtp(500, 99, Buffer.alloc(160, 1)), serverPort, '127.0.0.1');
        const tampered = Buffer.from(session.protectRtp(rtp(501, 100, Buffer.alloc(160, 2))));
        tampered[30] = (tampered[30] ?? 0) ^ 0xff;
        socket.send(tampered, serverPort, '127.0.0.1');
      }
      // Pace packets in real time (the echo plays them out on its 20 ms clock).
      await delay(Math.max(0, start + (i + 1) * 20 - performance.now()));
    }
    t.ok(await eventually(() => received.length >= 45, 3000), `echoed packets arrived (${received.length})`);
    const opened = received.map((d) => session.unprotectRtp(d));
    t.ok(opened.every((p) => p !== null), 'every echoed packet authenticates with the server key');
    const echoed = opened.filter((p): p is Uint8Array => p !== null).map((p) => Buffer.from(p.subarray(12)));
    const pcm = steadyPart(g711Decode('PCMU', Buffer.concat(echoed)), 8000, 100);
    t.ok(Math.abs(dominantFrequency(pcm, 8000) - 1000) <= 20, 'the echo is our 1 kHz tone');
    t.ok(Math.abs(levelDbfs(pcm) + 10) <= 1.5, `at our level (${levelDbfs(pcm).toFixed(1)} dBFS)`);
    t.notOk(echoed.some((p) => p.equals(Buffer.alloc(160, 1))), 'plain RTP was not echoed');
    t.notOk(echoed.some((p) => p.equals(Buffer.alloc(160, 2))), 'the tampered packet was not echoed');
    await call.hangup();
    t.ok(await eventually(() => server.closedLegStats().length > 0));
    t.ok((server.closedLegStats().at(-1)?.rx.srtpRejected ?? 0) >= 2, 'the bad packets were counted');
  });
}
