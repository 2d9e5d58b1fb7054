import t from 'tap';
import { LevelMeter, rfc6464Level, meanSquare, powerToDbov, DBFS_MINUS_DBOV, RFC6464_SILENCE } from '../../dsp/level.js';
import { generateTone, levelDbfs } from '../helpers/audio.js';

t.test('a sine reads its AES17 dBFS level, 3.01 dB more than dBov', async (t) => {
  const meter = new LevelMeter();
  for (const dbfs of [-3, -20, -45]) {
    const tone = generateTone({ frequency: 1000, dbfs, sampleRate: 16000, samples: 320 });
    meter.process(tone);
    t.ok(Math.abs(meter.dbfs - dbfs) < 0.05, `${dbfs} dBFS tone reads ${meter.dbfs.toFixed(2)} dBFS`);
    t.ok(Math.abs(meter.dbfs - levelDbfs(tone)) < 1e-9, 'agrees with the test oracle');
    t.ok(Math.abs(meter.dbov - (dbfs - 3.0103)) < 0.05, `and ${meter.dbov.toFixed(2)} dBov`);
    t.ok(Math.abs(meter.peakDbfs - dbfs) < 0.05, `peak ${meter.peakDbfs.toFixed(2)} dBFS`);
    t.equal(meter.level, Math.round(3.0103 - dbfs), `RFC 6464 level ${meter.level}`);
  }
  t.ok(Math.abs(DBFS_MINUS_DBOV - 3.0103) < 1e-4);
});

t.test('RFC 6464: a full-scale square wave is 0 dBov, silence is 127', async (t) => {
  const meter = new LevelMeter();
  const square = new Int16Array(160).map((_, i) => (i % 20 < 10 ? 32767 : -32768));
  meter.process(square);
  t.ok(Math.abs(meter.dbov) < 0.01, `square wave reads ${meter.dbov.toFixed(3)} dBov`);
  t.equal(meter.level, 0);
  t.equal(meter.peak, 32768);
  meter.process(new Int16Array(160));
  t.equal(meter.level, RFC6464_SILENCE, 'digital silence');
  t.equal(meter.rms, 0);
  t.equal(rfc6464Level(-200), 127, 'clamped below');
  t.equal(rfc6464Level(3), 0, 'clamped above');
  t.equal(rfc6464Level(-42.4), 42);
  // One LSB of noise is about -90 dBov: still a level, not "silence".
  meter.process(new Int16Array(160).fill(1));
  t.equal(meter.level, 90);
});

t.test('RMS, peak and the length argument', async (t) => {
  const meter = new LevelMeter();
  const pcm = Int16Array.from([3, -4, 0, 0, 1000]);
  meter.process(pcm, 2);
  t.ok(Math.abs(meter.rms - Math.sqrt(12.5)) < 1e-9, 'rms over the first two samples only');
  t.equal(meter.peak, 4);
  t.equal(meanSquare(pcm, 2), 12.5);
  t.equal(powerToDbov(0), -127);
  t.equal(meter.frames, 1);
  meter.reset();
  t.equal(meter.frames, 0);
  t.equal(meter.level, 127);
});
