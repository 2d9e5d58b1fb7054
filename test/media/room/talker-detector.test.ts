import t from 'tap';
import { createTalkerDetector, MIN_EVENT_INTERVAL_MS } from '../../../media/room/talker-detector.js';
import { readFixtureWav } from './fixtures.js';

const frames = (pcm: Int16Array, size: number): Int16Array[] =>
  Array.from({ length: Math.floor(pcm.length / size) }, (_, k) => pcm.subarray(k * size, (k + 1) * size));

function tone(frequency: number, dbfs: number, rate: number, ms: number): Int16Array {
  const n = (rate * ms) / 1000;
  return Int16Array.from({ length: n }, (_, i) => Math.round(32768 * 10 ** (dbfs / 20) * Math.sin((2 * Math.PI * frequency * i) / rate)));
}

t.test('vad mode: speech is talking, a steady tone of the same level is not', async (t) => {
  const speech = readFixtureWav('speech-male-16k.wav');
  const detector = await createTalkerDetector({ sampleRate: 16000, thresholdDb: -45, hangoverMs: 300, mode: 'vad', frameMs: 20 });
  t.teardown(() => detector.close());
  let talkingFrames = 0;
  const all = frames(speech, 320);
  for (const f of all) if (detector.process(f, 'audio')) talkingFrames++;
  t.ok(talkingFrames > all.length * 0.4, `speech: ${talkingFrames}/${all.length} frames talking`);
  const toneDetector = await createTalkerDetector({ sampleRate: 16000, thresholdDb: -45, hangoverMs: 300, mode: 'vad', frameMs: 20 });
  t.teardown(() => toneDetector.close());
  let toneTalking = 0;
  for (const f of frames(tone(1000, -20, 16000, 3000), 320)) if (toneDetector.process(f, 'audio')) toneTalking++;
  t.equal(toneTalking, 0, 'a steady tone never takes a talker slot');
});

t.test('level mode: threshold, onset, hangover and rate-limited events', async (t) => {
  const detector = await createTalkerDetector({ sampleRate: 8000, thresholdDb: -30, hangoverMs: 100, mode: 'level', frameMs: 20 });
  const loud = tone(700, -20, 8000, 20);
  const quiet = tone(700, -40, 8000, 20);
  t.equal(detector.process(loud, 'audio'), false, 'one loud frame is not yet talking (onset)');
  t.equal(detector.process(loud, 'audio'), true, 'two are');
  t.ok(Math.abs(detector.levelDb + 20) < 0.5, 'level in dBFS');
  t.equal(detector.pendingEvent(0), true, 'start reported');
  t.equal(detector.pendingEvent(20), null, 'reported once');
  for (let k = 0; k < 5; k++) detector.process(quiet, 'audio');
  t.equal(detector.talking, true, 'still talking within the 100 ms hangover');
  detector.process(quiet, 'audio');
  t.equal(detector.talking, false, 'stops after the hangover');
  t.equal(detector.pendingEvent(100), null, 'a stop within the rate limit waits');
  t.equal(detector.pendingEvent(MIN_EVENT_INTERVAL_MS), false, 'and is reported when the window passes');
  detector.process(loud, 'silence');
  t.equal(detector.levelDb, -127, 'a silence frame reads −127');
});
