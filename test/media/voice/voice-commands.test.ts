/**
 * `leg.voice` / `leg.voice.stats` through the engine: validation, stats, and
 * a real echo call over loopback UDP whose echoed audio is transformed by a
 * voice worker (fixtures/gain-processor.ts halves and inverts the signal).
 */
import t from 'tap';
import { pino } from 'pino';
import { defaultConfig } from '../../../config/index.js';
import type { VoiceCommandOptions } from '../../../media/commands/voice.js';
import { InProcessEngine, ManualClock, type EngineEvent, type InProcessEngineOptions } from '../../../media/index.js';
import { resolveWorkerEntry } from '../../../media/worker/spawn.js';
import { g711Decode } from '../../helpers/g711.js';
import { rtpDatagram } from '../../fixtures/rtp/packets.js';
import { pcmuParams, pcmuTone, peer, rtpOnly, type Teardown } from '../helpers/engine-harness.js';

const PORTS = '47700-47719';
const PROCESSOR = resolveWorkerEntry(new URL('./fixtures/gain-processor.js', import.meta.url)).url.href;

function engine(t: Teardown, profilesDir = 'voices'): { engine: InProcessEngine; clock: ManualClock; events: EngineEvent[] } {
  const clock = new ManualClock();
  const options: InProcessEngineOptions & VoiceCommandOptions = {
    rtp: { ...defaultConfig().rtp, ports: PORTS, bindAddress: '127.0.0.1' },
    logger: pino({ level: 'silent' }),
    clock,
    portReuseDelayMs: 0,
    // A generous wait budget: the test checks what a transform that keeps up gives, not timing.
    voice: { ...defaultConfig().voice, workers: 1, collectBudgetMs: 5000, profilesDir },
    voiceProcessorModule: PROCESSOR,
  };
  const e = new InProcessEngine(options);
  const events: EngineEvent[] = [];
  e.onEvent((event) => events.push(event));
  t.teardown(() => e.request('engine.close', {}));
  return { engine: e, clock, events };
}

const rms = (pcm: Int16Array): number => Math.sqrt(pcm.reduce((sum, x) => sum + x * x, 0) / Math.max(1, pcm.length));

t.test('validation and stats without a transform', async (t) => {
  const { engine: e } = engine(t);
  await t.rejects(e.request('leg.voice', { legId: 'nope', settings: { preset: 'female' } }), { code: 'ERR_NO_SUCH_LEG' });
  await e.request('leg.create', { legId: 'a', callId: 'c', advertiseAddress: '127.0.0.1' });
  t.same(await e.request('leg.voice.stats', { legId: 'a' }), { active: false, preset: null, framesProcessed: 0, overruns: 0, workerRestarts: 0 });
  const bad: unknown[] = [
    { preset: 'martian' },
    { parameters: { pitchSemitones: 40 } },
    {},
    { preset: 'male', colour: 'blue' },
    { preset: 'male', morph: 0.5 },
    // Only dsp/voice's own validator knows this one: anonymize must warp the envelope.
    { preset: 'anonymize', parameters: { mcAdamsAlpha: 1 } },
    { parameters: { profile: 'nobody' } },
  ];
  for (const settings of bad) {
    await t.rejects(
      e.request('leg.voice', { legId: 'a', settings: settings as never }),
      { code: 'ERR_INVALID_ARGS', message: /^leg\.voice: voice/ },
      JSON.stringify(settings),
    );
  }
  await e.request('leg.voice', { legId: 'a', settings: { preset: 'anonymize' } });
  t.match(await e.request('leg.voice.stats', { legId: 'a' }), { active: true, preset: 'anonymize' });
  await e.request('leg.voice', { legId: 'a', settings: null });
  t.match(await e.request('leg.voice.stats', { legId: 'a' }), { active: false, preset: null }, 'a leg without media is cleared at once');
  await e.request('leg.close', { legId: 'a' });
  await t.rejects(e.request('leg.voice.stats', { legId: 'a' }), { code: 'ERR_NO_SUCH_LEG' });
});

t.test('target-speaker profiles are loaded by name from voice.profilesDir', async (t) => {
  const profile = { name: 'alice', sampleRate: 16000, f0Median: 210, f0Range: [170, 260], formants: [800, 1800, 2800] };
  const dir = t.testdir({ 'alice.json': JSON.stringify(profile), 'broken.json': '{' });
  const { engine: e } = engine(t, dir);
  await e.request('leg.create', { legId: 'p', callId: 'c', advertiseAddress: '127.0.0.1' });
  await e.request('leg.voice', { legId: 'p', settings: { parameters: { profile: 'alice' } } });
  t.match(await e.request('leg.voice.stats', { legId: 'p' }), { active: true });
  await t.rejects(e.request('leg.voice', { legId: 'p', settings: { parameters: { profile: 'broken' } } }), { code: 'ERR_INVALID_ARGS', message: /not valid JSON/ });
  await t.rejects(e.request('leg.voice', { legId: 'p', settings: { parameters: { profile: 'bob' } } }), { code: 'ERR_INVALID_ARGS', message: /profile "bob" not found/ });
});

t.test('an echo call: the caller hears the transformed voice, then the raw voice after clearing', async (t) => {
  const { engine: e, clock } = engine(t);
  const caller = await peer(t);
  const local = await e.request('leg.create', { legId: 'echo', callId: 'c', advertiseAddress: '127.0.0.1' });
  await e.request('leg.update', { legId: 'echo', params: pcmuParams(caller.port) });
  await e.request('leg.attach', { legId: 'echo', app: { kind: 'echo' } });
  await e.request('leg.voice', { legId: 'echo', settings: { preset: 'female' } });
  const tone = pcmuTone(80, 8000);
  const toneRms = rms(g711Decode('PCMU', tone[0] ?? new Uint8Array(160)));
  let seq = 0;
  /** Sends `count` frames, one per tick, and returns the RMS of each echoed frame. */
  const stream = async (count: number): Promise<number[]> => {
    const before = rtpOnly(caller.received).length;
    for (let k = 0; k < count; k++, seq++) {
      caller.send(rtpDatagram({ pt: 0, seq, ts: seq * 160, ssrc: 9 }, tone[seq % tone.length] ?? new Uint8Array(160)), local.rtpPort);
      await new Promise((resolve) => setImmediate(resolve));
      clock.advance(20);
    }
    const sent = (await e.request('leg.stats', { legId: 'echo' })).tx.packets;
    while (rtpOnly(caller.received).length < sent) await new Promise((resolve) => setImmediate(resolve));
    return rtpOnly(caller.received).slice(before).map((p) => rms(g711Decode('PCMU', p.payload)));
  };
  const transformed = (await stream(30)).slice(-10);
  t.equal(transformed.length, 10);
  for (const level of transformed) t.ok(Math.abs(level / toneRms - 0.5) < 0.08, `echo at half level (${(level / toneRms).toFixed(2)})`);
  const stats = await e.request('leg.voice.stats', { legId: 'echo' });
  t.ok(stats.framesProcessed >= 10, 'frames went through the worker');
  t.equal(stats.preset, 'female');

  await e.request('leg.voice', { legId: 'echo', settings: null });
  const raw = (await stream(20)).slice(-10);
  t.equal(raw.length, 10);
  for (const level of raw) t.ok(Math.abs(level / toneRms - 1) < 0.08, `echo at full level again (${(level / toneRms).toFixed(2)})`);
  t.match(await e.request('leg.voice.stats', { legId: 'echo' }), { active: false });
});
