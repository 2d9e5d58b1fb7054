import t from 'tap';
import { TonePlayer, TONE_PATTERNS } from '../../dsp/index.js';
import { fitTone, goertzelPower, powerToDbfs } from '../helpers/audio.js';

const RATE = 8000;

function play(player: TonePlayer, ms: number, frame = 160): Int16Array {
  const out = new Int16Array(Math.round((RATE * ms) / 1000));
  for (let i = 0; i < out.length; i += frame) player.fill(out, i, Math.min(frame, out.length - i));
  return out;
}

/** On/off runs in 10 ms steps: [state, ms][] where state is 'on' above −40 dBFS. */
function cadence(pcm: Int16Array): [string, number][] {
  const step = RATE / 100;
  const runs: [string, number][] = [];
  for (let i = 0; i + step <= pcm.length; i += step) {
    let sum = 0;
    for (let j = i; j < i + step; j++) sum += (pcm[j] ?? 0) ** 2;
    const state = powerToDbfs(sum / step) > -40 ? 'on' : 'off';
    const last = runs[runs.length - 1];
    if (last && last[0] === state) last[1] += 10;
    else runs.push([state, 10]);
  }
  return runs;
}

t.test('US ringback: 440 + 480 Hz, 2 s on, 4 s off, repeating', async (t) => {
  const pcm = play(new TonePlayer({ sampleRate: RATE, pattern: 'ringback-us' }), 12000);
  t.same(cadence(pcm), [['on', 2000], ['off', 4000], ['on', 2000], ['off', 4000]]);
  const burst = pcm.subarray(RATE / 10, RATE);
  for (const hz of [440, 480]) {
    const level = powerToDbfs(goertzelPower(burst, hz, RATE));
    t.ok(Math.abs(level + 16) < 0.5, `${hz} Hz at ${level.toFixed(2)} dBFS (−16)`);
  }
  t.ok(powerToDbfs(goertzelPower(burst, 620, RATE)) < -60, 'nothing at 620 Hz');
});

t.test('UK ringback double ring and European cadences', async (t) => {
  const uk = cadence(play(new TonePlayer({ sampleRate: RATE, pattern: 'ringback-uk' }), 3000));
  t.same(uk.slice(0, 4), [['on', 400], ['off', 200], ['on', 400], ['off', 2000]]);
  const busy = cadence(play(new TonePlayer({ sampleRate: RATE, pattern: 'busy-eu' }), 2000));
  t.same(busy, [['on', 500], ['off', 500], ['on', 500], ['off', 500]]);
});

t.test('a continuous tone is one clean sine across frames and segments', async (t) => {
  const pcm = play(new TonePlayer({ sampleRate: RATE, pattern: 'dial-eu' }), 3000, 137);
  const fit = fitTone(pcm.subarray(RATE / 2), 425, RATE);
  t.ok(fit.snrDb > 60, `425 Hz with ${fit.snrDb.toFixed(1)} dB SNR: no clicks at frame or segment joins`);
});

t.test('tone edges ramp over 5 ms (no clicks)', async (t) => {
  const pcm = play(new TonePlayer({ sampleRate: RATE, pattern: 'busy-us' }), 1000);
  const amplitude = 32768 * 10 ** (-16 / 20);
  t.ok(Math.abs(pcm[0] ?? 0) < 0.05 * amplitude, 'starts near zero');
  const end = Math.round(RATE * 0.5) - 1;
  t.ok(Math.abs(pcm[end] ?? 0) < 0.05 * amplitude, 'ends near zero');
  let maxStep = 0;
  for (let i = 1; i < pcm.length; i++) maxStep = Math.max(maxStep, Math.abs((pcm[i] ?? 0) - (pcm[i - 1] ?? 0)));
  const sineStep = 2 * amplitude * Math.sin((Math.PI * 620) / RATE) * 2;
  t.ok(maxStep <= sineStep, `largest sample step ${maxStep} is a sine's, not a click`);
});

t.test('join and leave cues play once: rising and falling', async (t) => {
  const join = new TonePlayer({ sampleRate: RATE, pattern: 'join' });
  const pcm = play(join, 400);
  t.ok(join.done, 'done after one pass');
  t.ok(pcm.subarray(Math.round(RATE * 0.2)).every((v) => v === 0), 'then silence');
  const first = pcm.subarray(80, 640);
  const second = pcm.subarray(800, 1360);
  t.ok(goertzelPower(first, 523.25, RATE) > 100 * goertzelPower(first, 783.99, RATE), 'join starts low');
  t.ok(goertzelPower(second, 783.99, RATE) > 100 * goertzelPower(second, 523.25, RATE), 'and ends high');
  const leave = play(new TonePlayer({ sampleRate: RATE, pattern: 'leave' }), 400);
  t.ok(goertzelPower(leave.subarray(80, 640), 783.99, RATE) > 100 * goertzelPower(leave.subarray(80, 640), 523.25, RATE), 'leave starts high');
  join.reset();
  t.notOk(join.done, 'reset plays it again');
});

t.test('custom patterns, level override, and every named pattern plays', async (t) => {
  const custom = new TonePlayer({ sampleRate: 16000, pattern: { segments: [{ frequencies: [1000], durationMs: 100 }], repeat: false, levelDbfs: -6 }, levelDbfs: -20 });
  const out = new Int16Array(1600);
  custom.fill(out);
  const level = powerToDbfs(goertzelPower(out.subarray(160, 1440), 1000, 16000));
  t.ok(Math.abs(level + 20) < 0.5, `override level ${level.toFixed(2)} dBFS`);
  for (const name of Object.keys(TONE_PATTERNS) as (keyof typeof TONE_PATTERNS)[]) {
    const pcm = play(new TonePlayer({ sampleRate: RATE, pattern: name }), 200);
    t.ok(pcm.some((v) => v !== 0), `${name} makes sound`);
  }
  t.throws(() => new TonePlayer({ sampleRate: RATE, pattern: { segments: [], repeat: true, levelDbfs: -10 } }), RangeError);
});
