import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { adminHarness } from './fixtures/harness.js';

function wav(seconds: number, sampleRate = 16000): Buffer {
  const samples = Math.round(seconds * sampleRate);
  const data = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) data.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 150 * i) / sampleRate)), 2 * i);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8);
  header.write('fmt ', 12);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

t.test('upload, list, get, replace, delete', async (t) => {
  const built: number[] = [];
  const { app, auth, config } = await adminHarness(t, {
    builder: (_name, samples, sampleRate) => {
      built.push(samples.length);
      return { sampleRate, f0Median: 150 };
    },
  });
  const headers = { ...auth, 'content-type': 'audio/wav' };
  const created = await app.inject({ method: 'PUT', url: '/api/voice-profiles/narrator', headers, payload: wav(12) });
  t.equal(created.statusCode, 201);
  t.match(created.json(), { name: 'narrator', sampleRate: 16000, built: true });
  t.equal(Math.round(created.json().durationSeconds), 12);
  t.same(built, [12 * 16000]);
  const dir = config.voice.profilesDir;
  t.ok(existsSync(join(dir, 'narrator.wav')));
  t.same(JSON.parse(readFileSync(join(dir, 'narrator.json'), 'utf8')), { sampleRate: 16000, f0Median: 150 });

  t.equal((await app.inject({ method: 'PUT', url: '/api/voice-profiles/narrator', headers, payload: wav(12) })).statusCode, 409);
  t.equal((await app.inject({ method: 'PUT', url: '/api/voice-profiles/narrator?replace=true', headers, payload: wav(11) })).statusCode, 201);
  t.same((await app.inject({ url: '/api/voice-profiles', headers: auth })).json().map((p: { name: string }) => p.name), ['narrator']);
  t.equal((await app.inject({ url: '/api/voice-profiles/narrator', headers: auth })).json().built, true);
  t.equal((await app.inject({ method: 'DELETE', url: '/api/voice-profiles/narrator', headers: auth })).statusCode, 200);
  t.notOk(existsSync(join(dir, 'narrator.json')));
  t.equal((await app.inject({ method: 'DELETE', url: '/api/voice-profiles/narrator', headers: auth })).statusCode, 404);
  t.equal((await app.inject({ url: '/api/voice-profiles/narrator', headers: auth })).statusCode, 404);
});

t.test('bad uploads are 400 (short, not WAV, JSON, bad name); too big is 413', async (t) => {
  const { app, auth } = await adminHarness(t);
  const headers = { ...auth, 'content-type': 'audio/wav' };
  const short = await app.inject({ method: 'PUT', url: '/api/voice-profiles/a', headers, payload: wav(3) });
  t.equal(short.statusCode, 400);
  t.match(short.json().error.message, /at least 10 s/);
  const junk = await app.inject({ method: 'PUT', url: '/api/voice-profiles/a', headers, payload: Buffer.from('hello world, not a wav') });
  t.equal(junk.statusCode, 400);
  t.match(junk.json().error.message, /RIFF/);
  const truncated = await app.inject({ method: 'PUT', url: '/api/voice-profiles/a', headers, payload: wav(12).subarray(0, 30) });
  t.equal(truncated.statusCode, 400);
  const json = await app.inject({ method: 'PUT', url: '/api/voice-profiles/a', headers: auth, payload: { wav: 'x' } });
  t.equal(json.statusCode, 400);
  const name = await app.inject({ method: 'PUT', url: '/api/voice-profiles/..%2Fx', headers, payload: wav(12) });
  t.equal(name.statusCode, 400);
  const huge = await app.inject({ method: 'PUT', url: '/api/voice-profiles/big', headers, payload: Buffer.alloc(11 * 1024 * 1024) });
  t.equal(huge.statusCode, 413);
  t.equal(huge.json().error.code, 'ERR_PAYLOAD_TOO_LARGE');
});

t.test('without a builder the reference is stored but not built', async (t) => {
  const { app, auth } = await adminHarness(t);
  const created = await app.inject({ method: 'PUT', url: '/api/voice-profiles/ref', headers: { ...auth, 'content-type': 'audio/wav' }, payload: wav(10.5, 8000) });
  t.equal(created.statusCode, 201);
  t.match(created.json(), { built: false, sampleRate: 8000 });
});

t.test('a builder that refuses the speech makes the upload a 400 and stores nothing', async (t) => {
  const { app, auth, config } = await adminHarness(t, {
    builder: () => {
      throw new Error('only 2 s of voiced speech');
    },
  });
  const reply = await app.inject({ method: 'PUT', url: '/api/voice-profiles/mumble', headers: { ...auth, 'content-type': 'audio/wav' }, payload: wav(12) });
  t.equal(reply.statusCode, 400);
  t.match(reply.json().error.message, /voiced speech/);
  t.notOk(existsSync(join(config.voice.profilesDir, 'mumble.wav')));
});
