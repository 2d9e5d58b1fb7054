/**
 * A seeded, simulated network driving a JitterBuffer frame by frame (no
 * sockets, no real time): a sender emits one 20 ms PCMU packet of a voiced
 * test signal per tick of ITS clock (which may drift against ours), the
 * network delays (constant, uniform, gamma or Pareto bursts), loses
 * (Bernoulli or Gilbert–Elliott bursts) and duplicates them, and the receiver
 * pulls one frame per 20 ms of simulated time with `now` = simulated time.
 * Profiles can change mid-run (phases), e.g. to watch the buffer shrink.
 */
import { pcmu } from '../../codecs/index.js';
import { JitterBuffer, type FrameKind } from '../../media/jitter-buffer.js';
import { prng } from './prng.js';

export type DelayModel =
  | { readonly kind: 'constant' }
  | { readonly kind: 'uniform'; readonly maxMs: number }
  /** Gamma(shape k, mean): smooth queueing jitter. */
  | { readonly kind: 'gamma'; readonly meanMs: number; readonly shape: number }
  /** Pareto (heavy tail): mostly small, occasional long bursts; capped. */
  | { readonly kind: 'pareto'; readonly scaleMs: number; readonly alpha: number; readonly capMs: number };

export type LossModel =
  | { readonly kind: 'none' }
  | { readonly kind: 'bernoulli'; readonly p: number }
  /** Gilbert–Elliott: good→bad with pGB, bad→good with pBG; every packet in the bad state is lost. */
  | { readonly kind: 'gilbert'; readonly pGB: number; readonly pBG: number };

export interface NetworkProfile {
  readonly baseDelayMs: number;
  readonly jitter: DelayModel;
  readonly loss?: LossModel;
  readonly duplicate?: number;
  /** Extra delay that makes the sender's ts jump (a second packet per this many gets `reorderMs` more). */
  readonly reorderEvery?: number;
  readonly reorderMs?: number;
}

export interface Phase {
  readonly untilMs: number;
  readonly profile: NetworkProfile;
}

export interface SimOptions {
  readonly seed: number;
  readonly phases: readonly Phase[];
  /** Sender clock speed relative to ours: +0.01 = 1 % fast. */
  readonly drift?: number;
  readonly startDelayMs?: number;
  readonly minDelayMs?: number;
  readonly maxDelayMs?: number;
}

export interface TracePoint {
  readonly tMs: number;
  readonly targetMs: number;
  readonly currentMs: number;
}

export interface SimResult {
  readonly sent: number;
  readonly networkLost: number;
  /** Jitter-buffer counters at the end. */
  readonly playoutLost: number;
  readonly late: number;
  readonly duplicates: number;
  readonly kinds: Readonly<Record<FrameKind, number>>;
  /** Per phase: the 95th percentile of (delay − min delay) of delivered packets. */
  readonly jitterP95: readonly number[];
  readonly trace: readonly TracePoint[];
  readonly jb: JitterBuffer;
}

const FRAME_MS = 20;
const SAMPLES = 160;
const SSRC = 0x5eed;

/** A voiced test signal: 140 Hz fundamental with harmonics. */
function signal(n: number): number {
  const f = 140;
  let v = 0;
  for (let h = 1; h <= 4; h++) v += Math.sin((2 * Math.PI * f * h * n) / 8000) / h;
  return Math.round(5000 * v);
}

function sampler(random: () => number): (model: DelayModel) => number {
  const uniform = (): number => (random() + 0.5) / 4294967296;
  const gauss = (): number => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  // Marsaglia–Tsang gamma for shape ≥ 1.
  const gamma = (shape: number): number => {
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const x = gauss();
      const v = (1 + c * x) ** 3;
      if (v > 0 && Math.log(uniform()) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
    }
  };
  const table: { [K in DelayModel['kind']]: (m: Extract<DelayModel, { kind: K }>) => number } = {
    constant: () => 0,
    uniform: (m) => uniform() * m.maxMs,
    gamma: (m) => (gamma(m.shape) * m.meanMs) / m.shape,
    pareto: (m) => Math.min(m.capMs, m.scaleMs / uniform() ** (1 / m.alpha) - m.scaleMs),
  };
  return (model) => (table[model.kind] as (m: DelayModel) => number)(model);
}

function percentile(values: number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

interface Arrival {
  readonly at: number;
  readonly seq: number;
  readonly payload: Uint8Array;
}

export function simulate(options: SimOptions): SimResult {
  const random = prng(options.seed);
  const unit = (): number => (random() + 0.5) / 4294967296;
  const delay = sampler(random);
  const drift = options.drift ?? 0;
  const endMs = options.phases[options.phases.length - 1]?.untilMs ?? 0;
  const phaseAt = (t: number): number => Math.max(0, options.phases.findIndex((p) => t < p.untilMs));
  const encoder = pcmu.createEncoder?.({ fmtp: {}, ptime: FRAME_MS });
  if (encoder === undefined) throw new Error('PCMU encoder missing');
  // Schedule every packet: send time on our clock, network fate.
  const arrivals: Arrival[] = [];
  const delays: number[][] = options.phases.map(() => []);
  let networkLost = 0;
  let bad = false;
  let sent = 0;
  const pcm = new Int16Array(SAMPLES);
  for (let k = 0; ; k++) {
    const sendAt = (k * FRAME_MS) / (1 + drift);
    if (sendAt >= endMs - 200) break;
    sent++;
    const phase = phaseAt(sendAt);
    const profile = options.phases[phase]?.profile;
    if (profile === undefined) break;
    const loss = profile.loss ?? { kind: 'none' };
    let lost = false;
    if (loss.kind === 'bernoulli') lost = unit() < loss.p;
    else if (loss.kind === 'gilbert') {
      bad = bad ? unit() >= loss.pBG : unit() < loss.pGB;
      lost = bad;
    }
    for (let i = 0; i < SAMPLES; i++) pcm[i] = signal(k * SAMPLES + i);
    const payload = new Uint8Array(SAMPLES);
    encoder.encode(pcm, payload);
    const jitter = delay(profile.jitter);
    if (lost) {
      networkLost++;
      continue;
    }
    const reorder = profile.reorderEvery !== undefined && k % profile.reorderEvery === 0 ? (profile.reorderMs ?? 0) : 0;
    const d = profile.baseDelayMs + jitter + reorder;
    delays[phase]?.push(jitter + reorder);
    arrivals.push({ at: sendAt + d, seq: k, payload });
    if (profile.duplicate !== undefined && unit() < profile.duplicate) arrivals.push({ at: sendAt + d + unit() * 10, seq: k, payload });
  }
  arrivals.sort((a, b) => a.at - b.at);

  let now = 0;
  const decoder = pcmu.createDecoder?.({ fmtp: {}, ptime: FRAME_MS });
  if (decoder === undefined) throw new Error('PCMU decoder missing');
  const jb = new JitterBuffer({
    clockRate: 8000,
    sampleRate: 8000,
    targetDelayMs: options.startDelayMs ?? 60,
    ...(options.minDelayMs !== undefined ? { minDelayMs: options.minDelayMs } : {}),
    ...(options.maxDelayMs !== undefined ? { maxDelayMs: options.maxDelayMs } : {}),
    decoder,
    now: () => now,
  });
  const out = new Int16Array(SAMPLES);
  const kinds: Record<FrameKind, number> = { audio: 0, concealed: 0, silence: 0 };
  const trace: TracePoint[] = [];
  let next = 0;
  for (let tick = 0; tick * FRAME_MS < endMs; tick++) {
    const pullAt = tick * FRAME_MS + 0.5;
    for (let a = arrivals[next]; a !== undefined && a.at <= pullAt; a = arrivals[++next]) {
      now = a.at;
      jb.push(a.seq & 0xffff, (1000 + a.seq * SAMPLES) >>> 0, SSRC, a.seq === 0, a.payload);
    }
    now = pullAt;
    kinds[jb.pull(out)]++;
    const stats = jb.stats();
    trace.push({ tMs: pullAt, targetMs: stats.targetMs, currentMs: stats.currentMs });
  }
  const counters = jb.counters();
  return {
    sent,
    networkLost,
    playoutLost: counters.lost,
    late: counters.late,
    duplicates: counters.duplicates,
    kinds,
    jitterP95: delays.map((d) => {
      const min = Math.min(...d);
      return percentile(d.map((v) => v - min), 0.95);
    }),
    trace,
    jb,
  };
}

/** Trace points with `from ≤ tMs < to`. */
export function window(trace: readonly TracePoint[], from: number, to: number): TracePoint[] {
  return trace.filter((p) => p.tMs >= from && p.tMs < to);
}
