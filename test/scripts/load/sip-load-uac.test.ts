import t from 'tap';
import { RtpLoadGenerator } from '../../../scripts/load/rtp-load-generator.js';
import { placeCalls, SipLoadError, SipLoadUac, type UacCall } from '../../../scripts/load/sip-load-uac.js';
import { PCMU_CODEC } from '../../../scripts/load/tone-frames.js';
import { startServerUnderTest } from '../../interop/voxbridge-under-test.js';

t.test('places echo calls over SIP, the generator hears its frames back, BYE ends them', async (t) => {
  const { server, udp } = await startServerUnderTest(t);
  const uac = await SipLoadUac.open({ server: { address: udp.host, port: udp.port } });
  t.teardown(() => uac.close());
  const generator = await RtpLoadGenerator.open({ streams: 3, maxSeconds: 60 });
  t.teardown(() => generator.close());
  generator.start();

  const placed = await placeCalls(uac, 3, 50, (i) => ({ rtpPort: generator.ports[i] ?? 0, codec: PCMU_CODEC }), (i, call) => generator.connect(i, call.media.address, call.media.port));
  const calls = placed.results.filter((r): r is UacCall => !(r instanceof SipLoadError));
  t.equal(calls.length, 3, 'all answered');
  t.equal(uac.activeCalls, 3);
  for (const call of calls) t.ok(call.media.port > 0 && call.dialog.toTag !== '', 'answered with media and a To tag');

  // Every stream gets 10 of its own marked frames back through the echo app.
  await new Promise<void>((resolve) => {
    const check = (): void => {
      if (generator.streams.every((s) => s.counters.packetsIn - s.counters.unmarked >= 10)) resolve();
    };
    for (const stream of generator.streams) stream.socket.on('message', check);
  });
  t.equal(server.activeCalls(), 3, 'the server holds the three calls');
  generator.stopSending();
  const report = generator.report();
  t.ok((report.echo?.returned ?? 0) >= 30, 'marked frames came back');

  const statuses = await Promise.all(calls.map((call) => uac.hangup(call)));
  t.same(statuses, [200, 200, 200]);
  t.equal(uac.activeCalls, 0);
  t.equal(server.activeCalls(), 0, 'the server ended every call');
});

t.test('a call to a missing extension is rejected with its status', async (t) => {
  const { udp } = await startServerUnderTest(t);
  const uac = await SipLoadUac.open({ server: { address: udp.host, port: udp.port }, target: 'nobody-here' });
  t.teardown(() => uac.close());
  const error = await uac.call({ rtpPort: 40000, codec: PCMU_CODEC }).then(
    () => null,
    (e: unknown) => e,
  );
  t.ok(error instanceof SipLoadError);
  t.equal((error as SipLoadError).code, 'rejected');
  t.equal((error as SipLoadError).status, 404);
});
