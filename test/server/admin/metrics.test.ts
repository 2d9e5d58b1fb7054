import t from 'tap';
import { adminHarness, fakeCall } from './fixtures/harness.js';

function value(text: string, series: string): number | null {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? null : Number(line.slice(series.length + 1));
}

t.test('/metrics: Prometheus text with live values, own registry per server', async (t) => {
  const first = await adminHarness(t);
  const second = await adminHarness(t);
  fakeCall(first.calls, 'm1');
  fakeCall(first.calls, 'm2');
  const reply = await first.app.inject({ url: '/metrics' });
  t.equal(reply.statusCode, 200);
  t.match(reply.headers['content-type'], /text\/plain/);
  const text = reply.body;
  t.equal(value(text, 'voxbridge_active_calls'), 2);
  t.equal(value(text, 'voxbridge_sip_requests_total{method="all"}'), 3);
  t.equal(value(text, 'voxbridge_sip_responses_total{code="all"}'), 4);
  t.equal(value(text, 'voxbridge_sip_malformed_total{action="rejected"}'), 1);
  t.equal(value(text, 'voxbridge_sip_malformed_total{action="dropped"}'), 2);
  for (const name of [
    'voxbridge_active_legs',
    'voxbridge_active_rooms',
    'voxbridge_rtp_packets_received_total',
    'voxbridge_rtp_packets_lost_total',
    'voxbridge_rtp_packets_late_total',
    'voxbridge_leg_mos',
    'voxbridge_rtp_jitter_ms',
    'voxbridge_media_tick_lateness_ms',
    'voxbridge_worker_cpu_percent',
    'voxbridge_voice_transform_overruns_total',
  ]) {
    t.match(text, new RegExp(`# TYPE ${name} `), name);
  }
  const again = (await first.app.inject({ url: '/metrics' })).body;
  t.equal(value(again, 'voxbridge_sip_requests_total{method="all"}'), 3, 'a second scrape does not double counters');
  const other = (await second.app.inject({ url: '/metrics' })).body;
  t.equal(value(other, 'voxbridge_active_calls'), 0, 'servers do not share a registry');
});

t.test('closed legs feed the packet totals and the MOS histogram', async (t) => {
  const { app, engine } = await adminHarness(t);
  const local = await engine.request('leg.create', { legId: 'closing', callId: 'c', advertiseAddress: '127.0.0.1' });
  t.ok(local.rtpPort > 0);
  await engine.request('leg.close', { legId: 'closing' });
  const text = (await app.inject({ url: '/metrics' })).body;
  t.equal(value(text, 'voxbridge_rtp_packets_received_total'), 0);
  t.equal(value(text, 'voxbridge_leg_mos_count'), 0, 'a leg without media has no MOS');
});
