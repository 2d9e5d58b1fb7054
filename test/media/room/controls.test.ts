import t from 'tap';
import { CODECS, LEVEL_ROOM, conference } from './room-harness.js';

const PORTS = '48240-48279';
const ROOM = { ...LEVEL_ROOM, sampleRate: 8000 as const, maxTalkers: 4 };

function members() {
  return [
    { codec: CODECS.PCMU, tone: { frequency: 500, dbfs: -20 } },
    { codec: CODECS.PCMU, tone: { frequency: 900, dbfs: -20 } },
    { codec: CODECS.PCMU, tone: { frequency: 1300, dbfs: -20 } },
  ];
}

t.test('mute takes a participant out of everyone’s mix; unmute brings it back', async (t) => {
  const rig = await conference(t, PORTS, ROOM, members());
  const state = await rig.h.engine.request('room.participant', { roomId: 'room-1', legId: 'leg-0', settings: { muted: true } });
  t.equal(state.muted, true);
  await rig.step(30);
  await rig.drain();
  const [a, b, c] = rig.ends;
  if (a === undefined || b === undefined || c === undefined) throw new Error('three far ends');
  let from = b.packets().length - 15;
  t.ok(b.toneDb(500, from) < -55, `muted 500 Hz not heard (${b.toneDb(500, from).toFixed(1)})`);
  t.ok(Math.abs(b.toneDb(1300, from) + 20) < 1.5, 'the others still are');
  const muted = (await rig.h.engine.request('room.stats', { roomId: 'room-1' })).participants[0];
  t.equal(muted?.talking, false, 'a muted participant is not talking');
  t.ok(Math.abs(a.toneDb(900, a.packets().length - 15) + 20) < 1.5, 'a muted participant still hears');
  await rig.h.engine.request('room.participant', { roomId: 'room-1', legId: 'leg-0', settings: { muted: false } });
  await rig.step(30);
  await rig.drain();
  from = c.packets().length - 15;
  t.ok(Math.abs(c.toneDb(500, from) + 20) < 1.5, 'heard again after unmute');
  const events = rig.h.events.filter((e) => e.type === 'room.participant');
  t.ok(events.length >= 2, 'room.participant events for each change');
});

t.test('a deaf participant hears nothing but is still heard', async (t) => {
  const rig = await conference(t, PORTS, ROOM, members());
  await rig.h.engine.request('room.participant', { roomId: 'room-1', legId: 'leg-1', settings: { deaf: true } });
  await rig.step(30);
  await rig.drain();
  const [a, b] = rig.ends;
  if (a === undefined || b === undefined) throw new Error('far ends');
  const from = b.packets().length - 15;
  t.ok(from > 0, 'the deaf participant still gets packets (its stream stays alive)');
  for (const f of [500, 1300]) t.ok(b.toneDb(f, from) < -55, `deaf: ${f} Hz not heard (${b.toneDb(f, from).toFixed(1)})`);
  t.ok(Math.abs(a.toneDb(900, a.packets().length - 15) + 20) < 1.5, 'the deaf participant is heard');
});

t.test('volume in and out act in dB and are clamped to ±24', async (t) => {
  const rig = await conference(t, PORTS, ROOM, members());
  await rig.h.engine.request('room.participant', { roomId: 'room-1', legId: 'leg-0', settings: { volumeInDb: -12 } });
  const out = await rig.h.engine.request('room.participant', { roomId: 'room-1', legId: 'leg-2', settings: { volumeOutDb: 6 } });
  t.equal(out.volumeOutDb, 6);
  const clamped = await rig.h.engine.request('room.participant', { roomId: 'room-1', legId: 'leg-1', settings: { volumeInDb: 60 } });
  t.equal(clamped.volumeInDb, 24, '+60 dB is clamped to +24');
  await rig.h.engine.request('room.participant', { roomId: 'room-1', legId: 'leg-1', settings: { volumeInDb: 0 } });
  await rig.step(30);
  await rig.drain();
  const [, b, c] = rig.ends;
  if (b === undefined || c === undefined) throw new Error('far ends');
  const fromB = b.packets().length - 15;
  t.ok(Math.abs(b.toneDb(500, fromB) + 32) < 1.5, `leg-0 at −12 dB in is heard at −32 (${b.toneDb(500, fromB).toFixed(1)})`);
  t.ok(Math.abs(b.toneDb(1300, fromB) + 20) < 1.5, 'leg-2 unchanged for leg-1');
  const fromC = c.packets().length - 15;
  t.ok(Math.abs(c.toneDb(900, fromC) + 14) < 1.5, `leg-2 at +6 dB out hears leg-1 at −14 (${c.toneDb(900, fromC).toFixed(1)})`);
  t.ok(Math.abs(c.toneDb(500, fromC) + 26) < 1.5, `… and leg-0 at −26 (${c.toneDb(500, fromC).toFixed(1)})`);
  await t.rejects(rig.h.engine.request('room.participant', { roomId: 'room-1', legId: 'leg-1', settings: { volumeInDb: Number.NaN } }), { code: 'ERR_INVALID_ARGS' });
  await t.rejects(rig.h.engine.request('room.participant', { roomId: 'room-1', legId: 'nobody', settings: {} }), { code: 'ERR_NO_SUCH_LEG' });
});

t.test('only the loudest K talkers are mixed, and talking events carry the level', async (t) => {
  const levels = [-30, -12, -24, -16, -36];
  const freqs = [500, 700, 900, 1100, 1300];
  const rig = await conference(t, PORTS, { ...ROOM, maxTalkers: 3 }, [
    ...levels.map((dbfs, i) => ({ codec: CODECS.PCMU, tone: { frequency: freqs[i] ?? 0, dbfs } })),
    { codec: CODECS.PCMU, tone: null },
  ]);
  await rig.step(30);
  await rig.drain();
  const stats = await rig.h.engine.request('room.stats', { roomId: 'room-1' });
  t.same(stats.participants.map((p) => p.mixed), [false, true, true, true, false, false], 'the three loudest (−12, −16, −24) are mixed');
  t.ok(stats.participants.slice(0, 5).every((p) => p.talking), 'all five are talking');
  const listener = rig.ends[5];
  if (listener === undefined) throw new Error('listener');
  const from = listener.packets().length - 15;
  for (const [i, f] of freqs.entries()) {
    const level = listener.toneDb(f, from);
    if ([1, 2, 3].includes(i)) t.ok(Math.abs(level - (levels[i] ?? 0)) < 1.5, `${f} Hz mixed at ${levels[i]} dBFS (${level.toFixed(1)})`);
    else t.ok(level < -55, `${f} Hz not mixed (${level.toFixed(1)})`);
  }
  // Hysteresis: a talker 2 dB louder than the quietest mixed one does not take its slot.
  const quiet = rig.ends[0];
  if (quiet === undefined) throw new Error('leg-0');
  quiet.tone = { frequency: 500, dbfs: -22 };
  await rig.step(20);
  let now = await rig.h.engine.request('room.stats', { roomId: 'room-1' });
  t.equal(now.participants[0]?.mixed, false, '2 dB louder is within the hysteresis');
  quiet.tone = { frequency: 500, dbfs: -6 };
  await rig.step(20);
  now = await rig.h.engine.request('room.stats', { roomId: 'room-1' });
  t.same(now.participants.map((p) => p.mixed), [true, true, false, true, false, false], 'a clearly louder talker replaces the quietest');
  const talking = rig.h.events.filter((e) => e.type === 'room.talking');
  t.ok(talking.some((e) => e.legId === 'leg-1' && e.talking && e.levelDb > -14 && e.levelDb < -10), 'room.talking start with its level');
  t.notOk(talking.some((e) => e.legId === 'leg-5'), 'no talking events for the silent listener');
  // Stop talking: one stop event after the hangover, none flapping.
  for (const end of rig.ends) end.tone = null;
  await rig.step(40);
  await rig.h.event('room.talking');
  const stops = rig.h.events.filter((e) => e.type === 'room.talking' && !e.talking);
  t.equal(stops.length, 5, 'one stop event per talker');
});
