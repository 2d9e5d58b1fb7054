/**
 * Prometheus metrics on an own Registry (never prom-client's global one, so
 * several servers in one process do not clash). Values are read on scrape
 * (collect) from the call registry, engine stats and SIP counters; packet
 * totals add the final stats of closed legs so counters never go down.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { EngineStats, LegStats } from '../../media/index.js';
import type { ControlPlane } from '../control/control-plane.js';

type Snapshot = { totals: Totals; jitter: number[]; overruns: number; engine: EngineStats | null; rooms: number };
type Totals = { packetsIn: number; packetsOut: number; lost: number; late: number };
const zero = (): Totals => ({ packetsIn: 0, packetsOut: 0, lost: 0, late: 0 });
const add = (totals: Totals, stats: LegStats): void => {
  totals.packetsIn += stats.rx.packets;
  totals.packetsOut += stats.tx.packets;
  totals.lost += stats.rx.lost;
  totals.late += stats.rx.late;
};

/** Sets a counter to `value` (prom-client counters only go up, so reset then add). */
function setCounter(counter: Counter, value: number, labels?: Record<string, string>): void {
  if (labels) counter.inc(labels, value);
  else counter.inc(value);
}

export interface AdminMetrics {
  readonly registry: Registry;
  /** Refreshes the scraped values and renders the exposition text. */
  render(): Promise<string>;
  close(): void;
}

export function createMetrics(control: ControlPlane): AdminMetrics {
  const registry = new Registry();
  const closed = zero();
  const mos = new Histogram({
    name: 'voxbridge_leg_mos',
    help: 'E-model MOS of each leg at its end',
    buckets: [1, 2, 2.5, 3, 3.1, 3.5, 3.8, 4, 4.2, 4.4, 5],
    registers: [registry],
  });
  const unsubscribe = control.engine.onEvent((event) => {
    if (event.type !== 'leg.closed') return;
    add(closed, event.stats);
    if (event.stats.mos !== null) mos.observe(event.stats.mos);
  });
  let live: Snapshot = { totals: zero(), jitter: [], overruns: 0, engine: null, rooms: 0 };

  /** One pass over the live legs and the engine, before each scrape (prom-client runs collects in parallel). */
  const refresh = async (): Promise<void> => {
    const next: Snapshot = { totals: zero(), jitter: [], overruns: 0, engine: await control.engineStats(), rooms: 0 };
    next.rooms = next.engine?.rooms ?? (control.rooms ? (await control.rooms.list().catch(() => [])).length : 0);
    await Promise.all(
      control.options.calls.all().map(async (call) => {
        const stats = await control.engine.request('leg.stats', { legId: call.legId }).catch(() => null);
        if (stats) {
          add(next.totals, stats);
          next.jitter.push(stats.rx.jitterMs);
        }
        const voice = await control.engine.request('leg.voice.stats', { legId: call.legId }).catch(() => null);
        if (voice) next.overruns += voice.overruns;
      }),
    );
    live = next;
  };

  const gauge = (name: string, help: string, labelNames: string[], collect: (g: Gauge) => void): Gauge =>
    new Gauge({ name, help, labelNames, registers: [registry], collect() { return collect(this); } });
  const counter = (name: string, help: string, labelNames: string[], collect: (c: Counter) => void): Counter =>
    new Counter({ name, help, labelNames, registers: [registry], collect() { this.reset(); collect(this); } });

  gauge('voxbridge_active_calls', 'Calls currently live', [], (g) => g.set(control.options.calls.size));
  gauge('voxbridge_active_legs', 'Media legs open in the engine', [], (g) => g.set(live.engine?.legs ?? control.options.calls.size));
  gauge('voxbridge_active_rooms', 'Conference rooms open', [], (g) => g.set(live.rooms));
  counter('voxbridge_rtp_packets_received_total', 'RTP packets received (all legs, live and closed)', [], (c) => setCounter(c, closed.packetsIn + live.totals.packetsIn));
  counter('voxbridge_rtp_packets_sent_total', 'RTP packets sent', [], (c) => setCounter(c, closed.packetsOut + live.totals.packetsOut));
  counter('voxbridge_rtp_packets_lost_total', 'RTP packets lost (sequence gaps)', [], (c) => setCounter(c, closed.lost + live.totals.lost));
  counter('voxbridge_rtp_packets_late_total', 'RTP packets that came too late for playout', [], (c) => setCounter(c, closed.late + live.totals.late));
  gauge('voxbridge_rtp_jitter_ms', 'Interarrival jitter over live legs (RFC 3550), by statistic', ['stat'], (g) => {
    const values = live.jitter;
    g.set({ stat: 'max' }, values.length ? Math.max(...values) : 0);
    g.set({ stat: 'mean' }, values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0);
  });
  counter('voxbridge_voice_transform_overruns_total', 'Voice-transform frames replaced by the fallback (live legs)', [], (c) => setCounter(c, live.overruns));
  gauge('voxbridge_media_tick_lateness_ms', 'Media clock tick lateness per worker', ['worker', 'quantile'], (g) => {
    g.reset();
    for (const worker of live.engine?.workers ?? []) {
      const labels = { worker: String(worker.index) };
      g.set({ ...labels, quantile: '0.5' }, worker.clock.latenessP50Ms);
      g.set({ ...labels, quantile: '0.99' }, worker.clock.latenessP99Ms);
      g.set({ ...labels, quantile: '1' }, worker.clock.latenessMaxMs);
    }
  });
  gauge('voxbridge_worker_cpu_percent', 'CPU of each worker thread, % of one core', ['kind', 'worker'], (g) => {
    g.reset();
    for (const worker of live.engine?.workers ?? []) g.set({ kind: 'media', worker: String(worker.index) }, worker.cpuPercent);
  });
  counter('voxbridge_sip_requests_total', 'SIP requests received, by method (all when the backend has no breakdown)', ['method'], (c) => {
    const sip = control.sipCounters();
    if (sip.requestsByMethod) for (const [method, n] of Object.entries(sip.requestsByMethod)) setCounter(c, n, { method });
    else setCounter(c, sip.requestsIn, { method: 'all' });
  });
  counter('voxbridge_sip_responses_total', 'SIP responses sent, by status code', ['code'], (c) => {
    const sip = control.sipCounters();
    if (sip.responsesByStatus) for (const [code, n] of Object.entries(sip.responsesByStatus)) setCounter(c, n, { code });
    else setCounter(c, sip.responsesOut, { code: 'all' });
  });
  counter('voxbridge_sip_malformed_total', 'Malformed SIP messages, by what we did with them', ['action'], (c) => {
    const sip = control.sipCounters();
    setCounter(c, sip.rejectedMalformed, { action: 'rejected' });
    setCounter(c, sip.droppedMalformed, { action: 'dropped' });
  });
  counter('voxbridge_sip_retransmissions_absorbed_total', 'Retransmitted SIP requests absorbed by transactions', [], (c) => setCounter(c, control.sipCounters().retransmissionsAbsorbed));
  gauge('voxbridge_event_subscribers', 'Open event-stream WebSockets', [], (g) => g.set(control.events.subscribers));
  return {
    registry,
    render: async () => {
      await refresh();
      return registry.metrics();
    },
    close: unsubscribe,
  };
}
