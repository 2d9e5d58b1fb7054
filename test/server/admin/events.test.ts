import t from 'tap';
import { WebSocket } from 'ws';
import { pino } from 'pino';
import type { EngineEvent, MediaEngine } from '../../../media/index.js';
import { startAdmin } from '../../../server/admin/index.js';
import { CallDirectory } from '../../../server/control/call-directory.js';
import { EventHub, type AdminEvent } from '../../../server/control/events.js';
import { adminHarness, fakeCall, TOKEN } from './fixtures/harness.js';

/** An engine that only emits what the test tells it to. */
function scriptedEngine(): { engine: MediaEngine; emit(event: EngineEvent): void } {
  const listeners = new Set<(event: EngineEvent) => void>();
  const engine: MediaEngine = {
    request: () => Promise.reject(new Error('not used')),
    onEvent: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return { engine, emit: (event) => listeners.forEach((listener) => listener(event)) };
}

t.test('hub: engine and call events become typed admin events, filterable by room', async (t) => {
  const { engine, emit } = scriptedEngine();
  const calls = new CallDirectory();
  const hub = new EventHub(engine, calls, () => 1000);
  t.teardown(() => hub.close());
  const all: AdminEvent[] = [];
  const room: AdminEvent[] = [];
  hub.subscribe((event) => all.push(event));
  hub.subscribe((event) => room.push(event), 'r1');
  hub.subscribe(() => {
    throw new Error('a broken subscriber');
  });

  fakeCall(calls, 'a', { roomId: 'r1' });
  fakeCall(calls, 'b');
  emit({ type: 'room.talking', roomId: 'r1', legId: 'a', talking: true, levelDb: -20 });
  emit({ type: 'leg.dtmf', legId: 'a', digit: '5', durationMs: 100, source: 'rfc4733' });
  emit({ type: 'leg.quality', legId: 'b', level: 'poor', mos: 2.9, lossPercent: 8, jitterMs: 40, rttMs: null });
  emit({ type: 'recording.done', recordingId: 'rec', path: '/x.wav', durationMs: 500, bytes: 1000 });
  emit({ type: 'leg.media-started', legId: 'a', source: '1.2.3.4:5' });
  calls.remove('a');

  t.same(
    all.map((event) => event.type),
    ['call.started', 'call.started', 'room.talking', 'dtmf', 'quality', 'recording.done', 'call.ended'],
    'leg.media-started is not published',
  );
  t.same(room.map((event) => event.type), ['call.started', 'room.talking', 'dtmf', 'call.ended'], 'room filter uses the call\'s room for leg events');
  t.match(all[3], { type: 'dtmf', digit: '5', roomId: 'r1', time: 1000, source: 'rfc4733' });
  t.match(all[5], { type: 'recording.done', recordingId: 'rec', error: null });
  t.equal(hub.subscribers, 3);
});

t.test('WebSocket: stream with room filter over a real socket', async (t) => {
  const { control, config, calls } = await adminHarness(t);
  const admin = await startAdmin({ config: { ...config.admin, listen: '127.0.0.1:0' }, control, logger: pino({ level: 'silent' }) });
  t.teardown(() => admin.close());
  const open = async (query: string): Promise<{ socket: WebSocket; next: () => Promise<AdminEvent & { type: string }> }> => {
    const socket = new WebSocket(`${admin.url.replace('http', 'ws')}/api/events${query}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    t.teardown(() => socket.terminate());
    const queue: (AdminEvent & { type: string })[] = [];
    const waiters: ((event: AdminEvent & { type: string }) => void)[] = [];
    socket.on('message', (data: Buffer) => {
      const event = JSON.parse(data.toString()) as AdminEvent & { type: string };
      const waiter = waiters.shift();
      if (waiter) waiter(event);
      else queue.push(event);
    });
    const next = (): Promise<AdminEvent & { type: string }> => {
      const queued = queue.shift();
      return queued ? Promise.resolve(queued) : new Promise((resolve) => waiters.push(resolve));
    };
    t.equal((await next()).type, 'hello');
    return { socket, next };
  };
  const everything = await open('');
  const onlyR2 = await open('?room=r2');
  fakeCall(calls, 'x', { roomId: 'r1' });
  fakeCall(calls, 'y', { roomId: 'r2' });
  t.match(await everything.next(), { type: 'call.started', legId: 'x', roomId: 'r1' });
  t.match(await everything.next(), { type: 'call.started', legId: 'y', roomId: 'r2' });
  t.match(await onlyR2.next(), { type: 'call.started', legId: 'y', roomId: 'r2' }, 'the r1 call was filtered out');
  t.equal(control.events.subscribers, 2);
  onlyR2.socket.close();
  await new Promise<void>((resolve) => onlyR2.socket.once('close', () => resolve()));
  calls.remove('x');
  t.match(await everything.next(), { type: 'call.ended', legId: 'x' });
  t.equal(control.events.subscribers, 1, 'a closed socket unsubscribes');
});
