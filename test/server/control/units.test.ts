import t from 'tap';
import { defaultConfig } from '../../../config/index.js';
import { CallDirectory } from '../../../server/control/call-directory.js';
import { ControlError, STATUS_OF } from '../../../server/control/errors.js';
import { redactConfig, REDACTED } from '../../../server/control/redact.js';
import { readWavMono } from '../../../server/control/wav-reader.js';
import { fakeCall } from '../admin/fixtures/harness.js';

t.test('call directory: add/remove/get/all with change listeners', async (t) => {
  const calls = new CallDirectory();
  const changes: string[] = [];
  const off = calls.onChange((change) => changes.push(`${change.kind}:${change.call.legId}`));
  calls.onChange(() => {
    throw new Error('a broken listener');
  });
  fakeCall(calls, 'a');
  fakeCall(calls, 'b');
  t.equal(calls.size, 2);
  t.equal(calls.get('a')?.legId, 'a');
  calls.remove('a');
  calls.remove('a');
  t.same(calls.all().map((c) => c.legId), ['b']);
  off();
  calls.remove('b');
  t.same(changes, ['added:a', 'added:b', 'removed:a'], 'removing twice reports once; unsubscribed listeners hear nothing');
});

t.test('redaction: passwords and tokens go, the rest stays', async (t) => {
  const config = defaultConfig();
  config.auth.users = ['alice:pw1', 'bob:pw:with:colons'];
  config.admin.tokens = ['aaaaaaaaaaaaaaaa'];
  config.admin.token = 'bbbbbbbbbbbbbbbb';
  const redacted = redactConfig(config);
  t.same(redacted.auth.users, [`alice:${REDACTED}`, `bob:${REDACTED}`]);
  t.same(redacted.admin.tokens, [REDACTED]);
  t.equal(redacted.admin.token, REDACTED);
  t.equal(redacted.sip.listen, config.sip.listen);
  t.same(config.auth.users, ['alice:pw1', 'bob:pw:with:colons'], 'the live config is untouched');
  t.notMatch(JSON.stringify(redacted), /pw1|aaaaaaaa|bbbbbbbb/);
});

t.test('errors: stable codes and statuses', async (t) => {
  const error = new ControlError('ERR_CONFLICT', 'room exists');
  t.equal(error.status, 409);
  t.equal(error.message, 'room exists');
  t.equal(STATUS_OF.ERR_NOT_FOUND, 404);
  t.equal(STATUS_OF.ERR_UNAVAILABLE, 503);
});

function wavBytes(channels: number, sampleRate: number, frames: Int16Array[], bits = 16): Uint8Array {
  const dataLength = frames.length * channels * 2;
  const view = new DataView(new ArrayBuffer(44 + dataLength));
  const text = (offset: number, value: string): void => [...value].forEach((c, i) => view.setUint8(offset + i, c.charCodeAt(0)));
  text(0, 'RIFF');
  view.setUint32(4, 36 + dataLength, true);
  text(8, 'WAVE');
  text(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, channels, true);
  view.setUint32(24, sampleRate, true);
  view.setUint16(34, bits, true);
  text(36, 'data');
  view.setUint32(40, dataLength, true);
  frames.forEach((frame, i) => frame.forEach((sample, c) => view.setInt16(44 + 2 * (i * channels + c), sample, true)));
  return new Uint8Array(view.buffer);
}

t.test('WAV reader: mono, stereo downmix, and bad input as 400s', async (t) => {
  const mono = readWavMono(wavBytes(1, 16000, [Int16Array.of(100), Int16Array.of(-200)]));
  t.equal(mono.sampleRate, 16000);
  t.same([...mono.samples], [100, -200]);
  const stereo = readWavMono(wavBytes(2, 8000, [Int16Array.of(100, 300), Int16Array.of(-100, -300)]));
  t.same([...stereo.samples], [200, -200]);
  const bad = (bytes: Uint8Array, pattern: RegExp): void => {
    try {
      readWavMono(bytes);
      t.fail('should have thrown');
    } catch (error) {
      t.ok(error instanceof ControlError && error.status === 400, 'a 400');
      t.match((error as Error).message, pattern);
    }
  };
  bad(new Uint8Array(4), /RIFF/);
  bad(wavBytes(1, 16000, [Int16Array.of(1)], 8), /16-bit/);
  bad(wavBytes(1, 16000, []).subarray(0, 30), /truncated|no data/);
  bad(wavBytes(1, 1000, [Int16Array.of(1)]), /sample rate/);
});
