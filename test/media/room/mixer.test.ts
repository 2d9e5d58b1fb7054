import t from 'tap';
import { CODECS, LEVEL_ROOM, conference } from './room-harness.js';

const PORTS = '48200-48239';
const FREQS = [500, 800, 1100, 1400] as const;

t.test('each talker hears every other talker and not itself (N−1)', async (t) => {
  const rig = await conference(t, PORTS, { ...LEVEL_ROOM, sampleRate: 8000, maxTalkers: 4 }, FREQS.map((frequency) => ({ codec: CODECS.PCMU, tone: { frequency, dbfs: -20 } })));
  await rig.step(40);
  await rig.drain();
  const stats = await rig.h.engine.request('room.stats', { roomId: 'room-1' });
  t.same(stats.participants.map((p) => p.mixed), [true, true, true, true], 'all four talkers are mixed');
  t.ok(stats.participants.every((p) => p.talking && p.levelDb > -25 && p.levelDb < -15), 'talking at about −20 dBFS');
  for (const [i, end] of rig.ends.entries()) {
    const from = end.packets().length - 20;
    t.ok(from > 0, `${end.legId} received audio`);
    for (const [j, frequency] of FREQS.entries()) {
      const level = end.toneDb(frequency, from);
      if (i === j) t.ok(level < -55, `${end.legId} does not hear its own ${frequency} Hz (${level.toFixed(1)} dBFS)`);
      else t.ok(Math.abs(level + 20) < 1.5, `${end.legId} hears ${frequency} Hz at −20 dBFS (${level.toFixed(1)})`);
    }
  }
});

t.test('silent participants get one shared mix, encoded once per tick for all of them', async (t) => {
  const members = [
    { codec: CODECS.PCMU, tone: { frequency: 500, dbfs: -20 } },
    { codec: CODECS.PCMU, tone: { frequency: 1100, dbfs: -20 } },
    { codec: CODECS.PCMU, tone: null },
    { codec: CODECS.PCMU, tone: null },
    { codec: CODECS.PCMU, tone: null },
  ];
  const rig = await conference(t, PORTS, { ...LEVEL_ROOM, sampleRate: 8000 }, members);
  await rig.step(20);
  const before = await rig.h.engine.request('room.stats', { roomId: 'room-1' });
  await rig.step(20);
  await rig.drain();
  const after = await rig.h.engine.request('room.stats', { roomId: 'room-1' });
  t.same(after.participants.map((p) => p.mixed), [true, true, false, false, false]);
  t.equal(after.sharedEncodings, 1, 'one shared encoding last tick');
  t.equal(after.sharedOutputs.length, 1, 'one output format');
  const [output] = after.sharedOutputs;
  const [earlier] = before.sharedOutputs;
  t.equal(output?.listeners, 3, 'three listeners on it');
  t.equal((output?.encodes ?? 0) - (earlier?.encodes ?? 0), after.ticks - before.ticks, 'one encode per tick, not one per listener');
  const listeners = rig.ends.slice(2);
  for (const end of listeners) {
    const from = end.packets().length - 15;
    t.ok(Math.abs(end.toneDb(500, from) + 20) < 1.5 && Math.abs(end.toneDb(1100, from) + 20) < 1.5, `${end.legId} hears both talkers`);
  }
  // Same payload bytes, own SSRC and sequence numbers.
  const tails = listeners.map((end) => end.packets().slice(-10));
  const [a, b] = tails;
  t.ok(a !== undefined && b !== undefined && a.every((p, k) => Buffer.from(p.payload).equals(Buffer.from(b[k]?.payload ?? []))), 'listeners receive identical payloads');
  t.not(a?.[0]?.ssrc, b?.[0]?.ssrc, 'each listener has its own SSRC');
});

t.test('mixed codecs in one 16 kHz room: PCMU, G.722 and L16 hear each other', async (t) => {
  const members = [
    { codec: CODECS.PCMU, tone: { frequency: 600, dbfs: -20 } },
    { codec: CODECS.G722, tone: { frequency: 1000, dbfs: -20 } },
    { codec: CODECS.L16, tone: { frequency: 1500, dbfs: -20 } },
    { codec: CODECS.G722, tone: null },
  ];
  const rig = await conference(t, PORTS, { ...LEVEL_ROOM, sampleRate: 16000 }, members);
  await rig.step(40);
  await rig.drain();
  const freqs = [600, 1000, 1500];
  for (const [i, end] of rig.ends.entries()) {
    const from = end.packets().length - 20;
    for (const [j, frequency] of freqs.entries()) {
      const level = end.toneDb(frequency, from);
      if (i === j) t.ok(level < -45, `${end.legId} (${end.codec.name}) does not hear itself at ${frequency} Hz (${level.toFixed(1)})`);
      else t.ok(Math.abs(level + 20) < 2.5, `${end.legId} (${end.codec.name}) hears ${frequency} Hz (${level.toFixed(1)})`);
    }
  }
});

t.test('48 kHz Opus room: talkers hear each other, listeners share one encoding per format', async (t) => {
  const members = [
    { codec: CODECS.OPUS, tone: { frequency: 700, dbfs: -20 } },
    { codec: CODECS.OPUS, tone: { frequency: 1700, dbfs: -20 } },
    { codec: CODECS.OPUS, tone: null },
    { codec: CODECS.OPUS, tone: null },
    { codec: CODECS.PCMU, tone: null },
  ];
  const rig = await conference(t, PORTS, { ...LEVEL_ROOM, sampleRate: 48000 }, members);
  await rig.step(40);
  await rig.drain();
  const stats = await rig.h.engine.request('room.stats', { roomId: 'room-1' });
  t.same(stats.sharedOutputs.map((o) => o.listeners).sort(), [1, 2], 'an Opus format with two listeners and a PCMU one with one');
  t.equal(stats.sharedEncodings, 2);
  const [a, b, c, , e] = rig.ends;
  if (a === undefined || b === undefined || c === undefined || e === undefined) throw new Error('far ends');
  const tail = (end: typeof a): number => end.packets().length - 20;
  t.ok(a.toneDb(1700, tail(a)) > -24 && a.toneDb(700, tail(a)) < -45, `Opus talker hears the other, not itself (${a.toneDb(1700, tail(a)).toFixed(1)} / ${a.toneDb(700, tail(a)).toFixed(1)})`);
  t.ok(c.toneDb(700, tail(c)) > -24 && c.toneDb(1700, tail(c)) > -24, 'Opus listener hears both');
  t.ok(e.toneDb(700, tail(e)) > -22 && e.toneDb(1700, tail(e)) > -22, 'PCMU listener hears both');
});
